import TwinCore

/// Suggests names close to one that was not found, for "did you mean" hints in errors.
enum ClosestNames {
  /// Up to `limit` of `candidates` nearest to `name`: those that end with it or that it ends
  /// with first (a missing or extra prefix such as `model.`), then by edit distance.
  static func find(_ name: String, among candidates: [String], limit: Int = 5) -> [String] {
    let target = Array(name.utf8)
    let threshold = max(3, target.count / 3)
    let scored = candidates.compactMap { candidate -> (String, Int)? in
      if candidate.hasSuffix(name) || name.hasSuffix(candidate) { return (candidate, 0) }
      // Lengths alone bound the distance from below; skip the quadratic work when hopeless.
      guard abs(candidate.utf8.count - target.count) <= threshold else { return nil }
      return (candidate, EditDistance.between(target, Array(candidate.utf8)))
    }
    return scored.filter { $0.1 <= threshold }.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit)
      .map(\.0)
  }
}
