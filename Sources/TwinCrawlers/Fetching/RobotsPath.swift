/// Path normalisation and pattern matching for robots.txt rules (RFC 9309 §2.2.2–2.2.3).
enum RobotsPath {
  /// Brings a path or pattern to the form both sides are compared in: non-ASCII and control
  /// bytes percent-encoded, escapes of unreserved characters decoded (`%7E` → `~`), other
  /// escapes upper-cased (`%2f` → `%2F`).
  static func normalize(_ text: String) -> String {
    let bytes = Array(text.utf8)
    var output: [UInt8] = []
    output.reserveCapacity(bytes.count)
    var index = 0
    while index < bytes.count {
      let byte = bytes[index]
      if byte == UInt8(ascii: "%"), index + 2 < bytes.count,
        let high = hexValue(bytes[index + 1]), let low = hexValue(bytes[index + 2])
      {
        let decoded = high << 4 | low
        if isUnreserved(decoded) {
          output.append(decoded)
        } else {
          output.append(contentsOf: percentEncoded(decoded))
        }
        index += 3
        continue
      }
      if byte <= 0x20 || byte >= 0x7F {
        output.append(contentsOf: percentEncoded(byte))
      } else {
        output.append(byte)
      }
      index += 1
    }
    return String(decoding: output, as: UTF8.self)
  }

  /// Whether the normalised `pattern` matches the normalised `path`.
  ///
  /// A pattern matches a prefix of the path unless it ends in `$`; `*` matches any run of
  /// characters, `/` included.
  static func matches(pattern: String, path: String) -> Bool {
    var pattern = Array(pattern.utf8)
    let anchored = pattern.last == UInt8(ascii: "$")
    if anchored { pattern.removeLast() }
    let path = Array(path.utf8)

    // Glob matching with backtracking to the most recent `*`: linear in practice, and never
    // exponential because only the latest star is retried.
    var p = 0
    var s = 0
    var starPattern: Int?
    var starPath = 0
    while s < path.count {
      if p < pattern.count, pattern[p] == UInt8(ascii: "*") {
        starPattern = p
        starPath = s
        p += 1
      } else if p < pattern.count, pattern[p] == path[s] {
        p += 1
        s += 1
      } else if p == pattern.count, !anchored {
        // The whole pattern matched a prefix; the rest of the path is free.
        return true
      } else if let star = starPattern {
        p = star + 1
        starPath += 1
        s = starPath
      } else {
        return false
      }
    }
    while p < pattern.count, pattern[p] == UInt8(ascii: "*") { p += 1 }
    return p == pattern.count
  }

  private static func hexValue(_ byte: UInt8) -> UInt8? {
    switch byte {
    case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
    case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
    case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
    default: nil
    }
  }

  private static func isUnreserved(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
      UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."),
      UInt8(ascii: "_"), UInt8(ascii: "~"):
      true
    default:
      false
    }
  }

  private static func percentEncoded(_ byte: UInt8) -> [UInt8] {
    let digits = Array("0123456789ABCDEF".utf8)
    return [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0x0F)]]
  }
}
