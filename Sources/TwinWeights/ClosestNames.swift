import TwinCore

/// Suggests names close to one that was not found, for "did you mean" hints.
enum ClosestNames {
  /// Up to `limit` of `candidates` nearest to `name`: those containing it or contained in it
  /// first (a missing or extra prefix such as `bert.`), then by edit distance.
  static func find(_ name: String, among candidates: [String], limit: Int = 5) -> [String] {
    let target = Array(name.utf8)
    let scored = candidates.map { candidate -> (String, Int) in
      if candidate.hasSuffix(name) || name.hasSuffix(candidate) { return (candidate, 0) }
      return (candidate, EditDistance.between(target, Array(candidate.utf8)))
    }
    let threshold = max(3, target.count / 3)
    return scored.filter { $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit)
      .map(\.0)
  }
}
