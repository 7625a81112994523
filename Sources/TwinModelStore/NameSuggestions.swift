/// "Did you mean" candidates for a mistyped model name.
enum NameSuggestions {
  /// Names within a small edit distance of `name`, or sharing its start (`gemma` → `gemma3-270m`).
  static func closest(to name: String, in names: [String]) -> [String] {
    let lowered = name.lowercased()
    return names.filter { candidate in
      let other = candidate.lowercased()
      return other.hasPrefix(lowered) || lowered.hasPrefix(other)
        || distance(Array(lowered.utf8), Array(other.utf8)) <= max(2, lowered.count / 4)
    }
  }

  /// Levenshtein distance over bytes.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
    if a.isEmpty || b.isEmpty { return max(a.count, b.count) }
    var previous = Array(0...b.count)
    for i in 1...a.count {
      var current = [i] + [Int](repeating: 0, count: b.count)
      for j in 1...b.count {
        current[j] = min(
          previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
      }
      previous = current
    }
    return previous[b.count]
  }
}
