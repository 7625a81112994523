/// The knobs of an HNSW graph (Malkov & Yashunin, 2018), named as in hnswlib.
public struct HNSWParameters: Sendable, Codable, Hashable {
  /// Links per node on the upper layers; layer 0 keeps up to `2·m`. More links raise recall and
  /// memory and slow down inserts. At least 2.
  public var m: Int
  /// The candidate-list size while inserting: larger builds a better graph, more slowly. At
  /// least 1.
  public var efConstruction: Int
  /// The default candidate-list size while searching (a search uses `max(ef, k)`). At least 1.
  public var efSearch: Int
  /// Seeds the level generator, so the same vectors added in the same order on one thread build
  /// the same graph.
  public var seed: UInt64

  /// Parameters with hnswlib's customary defaults (`M = 16`, `ef_construction = 200`) and a
  /// search ef of 64.
  public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64, seed: UInt64 = 42) {
    self.m = m
    self.efConstruction = efConstruction
    self.efSearch = efSearch
    self.seed = seed
  }

  /// The largest `m` an index accepts: far beyond any useful value, small enough that link
  /// lists stay small and snapshot sizes cannot overflow.
  public static let maximumM = 4096

  /// Why these parameters cannot build an index, or nil when they can.
  var problem: String? {
    if m < 2 || m > Self.maximumM { return "m must be in 2...\(Self.maximumM), not \(m)" }
    if efConstruction < 1 { return "efConstruction must be at least 1, not \(efConstruction)" }
    if efSearch < 1 { return "efSearch must be at least 1, not \(efSearch)" }
    return nil
  }
}
