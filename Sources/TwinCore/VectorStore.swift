/// How a collection compares vectors.
public enum VectorDistance: String, Sendable, Hashable, Codable, CaseIterable {
  /// Cosine similarity (vectors are normalised on insert).
  case cosine
  /// Inner product.
  case dot
  /// Euclidean distance.
  case l2
}

/// HNSW graph parameters of a collection.
public struct HNSWSettings: Sendable, Hashable, Codable {
  /// Links per node (level 0 keeps twice as many).
  public var m: Int
  /// Candidate-list size while building; higher builds slower and finds better links.
  public var efConstruction: Int
  /// Candidate-list size while searching; higher is slower and more accurate.
  public var efSearch: Int

  /// The values the `features.hnsw.*` settings accept.
  public enum Ranges {
    public static let m = 2...128
    public static let efConstruction = 1...4096
    public static let efSearch = 1...4096
  }

  public init(m: Int = 16, efConstruction: Int = 200, efSearch: Int = 64) {
    self.m = m
    self.efConstruction = efConstruction
    self.efSearch = efSearch
  }
}

/// What a collection holds.
public struct VectorCollectionSpec: Sendable, Hashable, Codable {
  public var name: String
  /// Vector length; 0 for a payload-only collection.
  public var dimension: Int
  public var distance: VectorDistance
  public var hnsw: HNSWSettings

  public init(name: String, dimension: Int, distance: VectorDistance = .cosine, hnsw: HNSWSettings = HNSWSettings()) {
    self.name = name
    self.dimension = dimension
    self.distance = distance
    self.hnsw = hnsw
  }

  /// A collection of payloads without vectors.
  public static func payloadOnly(_ name: String) -> VectorCollectionSpec {
    VectorCollectionSpec(name: name, dimension: 0)
  }
}

/// Changes applied together: all of them, or none.
public struct VectorWriteBatch: Sendable {
  public enum Operation: Sendable {
    case upsert(collection: String, points: [VectorPoint])
    case delete(collection: String, ids: [String])
  }

  public private(set) var operations: [Operation] = []

  public init() {}

  public mutating func upsert(_ points: [VectorPoint], into collection: String) {
    if !points.isEmpty { operations.append(.upsert(collection: collection, points: points)) }
  }

  public mutating func delete(_ ids: [String], from collection: String) {
    if !ids.isEmpty { operations.append(.delete(collection: collection, ids: ids)) }
  }

  public var isEmpty: Bool { operations.isEmpty }
}

/// The vector-store port: the logical feature store of cleaned documents and embedded chunks.
///
/// Implementations make each ``write(_:)`` atomic and durable: after a crash the store holds the
/// state before or after the batch, never part of it. Searches may run while a write is applied.
public protocol VectorStore: Sendable {
  /// Creates the collection, or checks that an existing one has the same dimension and distance.
  func createCollection(_ spec: VectorCollectionSpec) async throws
  /// The collections, by name.
  func collections() async throws -> [VectorCollectionSpec]
  /// Deletes a collection and its points; no error when it does not exist.
  func dropCollection(_ name: String) async throws
  /// Applies a batch atomically.
  func write(_ batch: VectorWriteBatch) async throws
  /// Replaces each target collection (the key) with the staging collection it maps to, all in
  /// one atomic step: readers see every old collection until then and every new one after. The
  /// staging collections are gone afterwards. How a rebuild (`twin features --full`) commits.
  func replaceCollections(_ replacements: [String: String]) async throws
  /// Points matching `filter`, ordered by id, without vectors unless `withVectors`.
  func points(in collection: String, filter: PayloadFilter?, withVectors: Bool) async throws -> [VectorPoint]
  /// Number of points matching `filter`.
  func count(in collection: String, filter: PayloadFilter?) async throws -> Int
  /// The `k` points nearest `vector` among those matching `filter`, best first.
  func search(
    in collection: String, vector: [Float], k: Int, filter: PayloadFilter?, efSearch: Int?
  ) async throws -> [ScoredPoint]
  /// Persists derived state (index snapshots) so the next process opens quickly. Writes are
  /// durable without it; call it at the end of a bulk load.
  func flush() async throws
}
