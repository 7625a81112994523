/// Suggests names close to one that was not found, for "did you mean" hints.
enum ClosestNames {
  /// Up to `limit` of `candidates` nearest to `name`: those containing it or contained in it
  /// first (a missing or extra prefix such as `bert.`), then by edit distance.
  static func find(_ name: String, among candidates: [String], limit: Int = 5) -> [String] {
    let target = Array(name.utf8)
    let scored = candidates.map { candidate -> (String, Int) in
      if candidate.hasSuffix(name) || name.hasSuffix(candidate) { return (candidate, 0) }
      return (candidate, distance(target, Array(candidate.utf8)))
    }
    let threshold = max(3, target.count / 3)
    return scored.filter { $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit)
      .map(\.0)
  }

  /// Levenshtein distance over bytes, two rows of memory.
  static func distance(_ a: [UInt8], _ b: [UInt8]) -> Int {
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
