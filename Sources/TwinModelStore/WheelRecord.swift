import Foundation

/// A wheel's `*.dist-info/RECORD`: for each file, its SHA-256 and size.
///
/// It is CSV (`path,sha256=<urlsafe base64, no padding>,size`); paths with commas or quotes are
/// quoted, `""` escaping a quote. RECORD's own line and signature files have empty hash fields.
struct WheelRecord: Sendable {
  struct Entry: Sendable, Hashable {
    /// Lower-case hex SHA-256; nil when the RECORD gives none.
    var sha256: String?
    var size: Int64?
  }

  var entries: [String: Entry]

  /// Parses RECORD text; `wheel` names the wheel in errors.
  init(text: String, wheel: String) throws {
    var entries: [String: Entry] = [:]
    for (index, line) in text.split(whereSeparator: \.isNewline).enumerated() where !line.isEmpty {
      let fields = Self.csvFields(String(line))
      guard fields.count == 3 else {
        throw ModelStoreError.invalidWheel(
          wheel: wheel, reason: "RECORD line \(index + 1) has \(fields.count) fields, not 3")
      }
      let (path, hash, size) = (fields[0], fields[1], fields[2])
      var entry = Entry()
      if !hash.isEmpty {
        guard hash.hasPrefix("sha256="),
          let hex = Self.hex(fromURLSafeBase64: String(hash.dropFirst(7))), hex.count == 64
        else {
          throw ModelStoreError.invalidWheel(
            wheel: wheel,
            reason:
              "RECORD line \(index + 1) has an unsupported or malformed hash '\(hash)' for \(path)")
        }
        entry.sha256 = hex
      }
      if !size.isEmpty {
        guard let value = Int64(size), value >= 0 else {
          throw ModelStoreError.invalidWheel(
            wheel: wheel, reason: "RECORD line \(index + 1) has a bad size '\(size)' for \(path)")
        }
        entry.size = value
      }
      entries[path] = entry
    }
    self.entries = entries
  }

  /// Splits one CSV line, honouring double quotes (`""` inside quotes is a literal quote).
  static func csvFields(_ line: String) -> [String] {
    let characters = Array(line)
    var fields: [String] = []
    var current = ""
    var quoted = false
    var i = 0
    while i < characters.count {
      let c = characters[i]
      if quoted && c == "\"" {
        if i + 1 < characters.count && characters[i + 1] == "\"" {
          current.append("\"")
          i += 1
        } else {
          quoted = false
        }
      } else if quoted {
        current.append(c)
      } else if c == "\"" {
        quoted = true
      } else if c == "," {
        fields.append(current)
        current = ""
      } else {
        current.append(c)
      }
      i += 1
    }
    fields.append(current)
    return fields
  }

  /// Lower-case hex of URL-safe base64 without padding (as wheels write hashes).
  static func hex(fromURLSafeBase64 text: String) -> String? {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(
      of: "_", with: "/")
    standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
    guard let data = Data(base64Encoded: standard) else { return nil }
    return data.map { String(format: "%02x", $0) }.joined()
  }
}
