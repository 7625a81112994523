import TwinCore

/// "Did you mean" candidates for a mistyped model name.
enum NameSuggestions {
  /// Names within a small edit distance of `name`, or sharing its start (`gemma` → `gemma3-270m`).
  static func closest(to name: String, in names: [String]) -> [String] {
    let lowered = name.lowercased()
    return names.filter { candidate in
      let other = candidate.lowercased()
      return other.hasPrefix(lowered) || lowered.hasPrefix(other)
        || EditDistance.between(Array(lowered.utf8), Array(other.utf8)) <= max(2, lowered.count / 4)
    }
  }
}
