/// "Did you mean …?" for every name a user or a file can get wrong: settings, models, tensors,
/// metadata keys. One policy, so every hint reads the same.
public enum NameSuggestions {
  /// Up to `limit` of `candidates` nearest to `name`, ignoring case: first those that contain it
  /// or that it contains (a missing or extra prefix such as `bert.`, a truncated model name),
  /// then those within a few edits (a third of the name's length, at least two), closest first.
  public static func closest(to name: String, among candidates: [String], limit: Int = 5) -> [String] {
    let target = Array(name.lowercased().utf8)
    let lowered = name.lowercased()
    let threshold = max(2, target.count / 3)
    let scored = candidates.compactMap { candidate -> (String, Int)? in
      let other = candidate.lowercased()
      if !other.isEmpty, !lowered.isEmpty, other.contains(lowered) || lowered.contains(other) {
        return (candidate, 0)
      }
      // Lengths alone bound the distance from below: skip the quadratic work when hopeless.
      guard abs(other.utf8.count - target.count) <= threshold else { return nil }
      let distance = EditDistance.between(target, Array(other.utf8))
      return distance <= threshold ? (candidate, distance) : nil
    }
    return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
  }
}
