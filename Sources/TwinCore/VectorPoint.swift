/// One record of a vector-store collection: an id, an optional vector and a JSON payload.
///
/// Payload-only collections (the cleaned documents) store points without vectors.
public struct VectorPoint: Sendable, Hashable, Codable {
  public var id: String
  public var vector: [Float]?
  public var payload: [String: JSONValue]

  public init(id: String, vector: [Float]? = nil, payload: [String: JSONValue]) {
    self.id = id
    self.vector = vector
    self.payload = payload
  }

  /// The payload value under `key` when it is a string.
  public func string(_ key: String) -> String? {
    if case .string(let s) = payload[key] { return s }
    return nil
  }

  /// The payload value under `key` when it is an integer.
  public func int(_ key: String) -> Int? {
    if case .int(let i) = payload[key] { return i }
    return nil
  }
}

/// A search hit: the point and its similarity to the query (higher is closer).
public struct ScoredPoint: Sendable, Hashable {
  public var point: VectorPoint
  /// Cosine similarity, dot product, or negated Euclidean distance, by the collection's metric.
  public var score: Float
  /// The collection the point came from.
  public var collection: String

  public init(point: VectorPoint, score: Float, collection: String) {
    self.point = point
    self.score = score
    self.collection = collection
  }
}
