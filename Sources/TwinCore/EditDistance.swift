/// Levenshtein distance, used to suggest the name a user probably meant ("did you mean …?")
/// for settings, tensors and models.
public enum EditDistance {
  /// The number of single-element insertions, deletions and substitutions turning `a` into `b`.
  /// Two rows of memory; O(|a|·|b|) time, fine for names.
  public static func between<C: Collection>(_ a: C, _ b: C) -> Int where C.Element: Equatable {
    let a = Array(a)
    let b = Array(b)
    if a.isEmpty { return b.count }
    if b.isEmpty { return a.count }
    var previous = Array(0...b.count)
    var current = [Int](repeating: 0, count: b.count + 1)
    for i in 1...a.count {
      current[0] = i
      for j in 1...b.count {
        let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
        current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
