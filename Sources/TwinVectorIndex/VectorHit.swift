/// One search result: a slot and its distance to the query under the index's metric (lower is
/// closer; see ``VectorMetric/similarity(fromDistance:)`` for a score).
public struct VectorHit: Sendable, Hashable {
  /// The slot the vector was stored in (what ``HNSWIndex/add(_:)`` returned for it).
  public var slot: Int
  /// The distance to the query.
  public var distance: Float

  public init(slot: Int, distance: Float) {
    self.slot = slot
    self.distance = distance
  }
}
