import Foundation
import TwinCore

/// Bulk data a step wrote to the blob store, named by its hash: what a manifest carries instead
/// of the data. Because the hash is in the manifest, a cached step is reused exactly when the
/// bulk data it read is the same.
public struct BlobRef<Content>: Sendable, Hashable, Codable {
  public var sha256: String
  public var size: Int

  public init(sha256: String, size: Int) {
    self.sha256 = sha256
    self.size = size
  }
}

extension ArtifactBlobStore {
  /// Stores `value` as JSON (keys sorted, so the same value has the same hash).
  public func put<Value: Encodable>(json value: Value) throws -> BlobRef<Value> {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    let data = try encoder.encode(value)
    return BlobRef(sha256: try put(data), size: data.count)
  }

  /// The value a ``put(json:)`` stored.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when the blob is gone,
  ///   ``TwinError/storage(_:)`` when it is corrupt or not a `Value`.
  public func get<Value: Decodable>(_ ref: BlobRef<Value>) throws -> Value {
    let data = try get(ref.sha256)
    do {
      return try JSONDecoder().decode(Value.self, from: data)
    } catch {
      throw TwinError.storage("blob \(ref.sha256) is not a \(Value.self): \(error)")
    }
  }

  /// Stores float vectors as little-endian float32, back to back (no JSON, no base64).
  public func put(vectors: [[Float]]) throws -> BlobRef<[[Float]]> {
    var data = Data(capacity: vectors.reduce(0) { $0 + $1.count } * 4)
    for vector in vectors {
      vector.withUnsafeBufferPointer { buffer in
        for value in buffer { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
      }
    }
    return BlobRef(sha256: try put(data), size: data.count)
  }

  /// The vectors a ``put(vectors:)`` stored, `dimension` floats each.
  public func get(_ ref: BlobRef<[[Float]]>, dimension: Int) throws -> [[Float]] {
    let data = try get(ref.sha256)
    guard dimension > 0, data.count % (dimension * 4) == 0 else {
      throw TwinError.storage("blob \(ref.sha256) holds \(data.count) bytes, not whole \(dimension)-float vectors")
    }
    return data.withUnsafeBytes { raw in
      (0..<(data.count / (dimension * 4))).map { row in
        (0..<dimension).map { i in
          Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: (row * dimension + i) * 4, as: UInt32.self)))
        }
      }
    }
  }
}
