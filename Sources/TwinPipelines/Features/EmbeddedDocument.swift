import Foundation
import TwinCore

/// A document's chunks and their vectors: the output of the chunk-and-embed step.
///
/// Vectors travel as base64 float32 so the step's artifact stays compact (a JSON number array
/// would be three times larger and slow to parse).
public struct EmbeddedDocument: Sendable, Codable {
  public var documentID: UUID
  public var chunks: [Chunk]
  public var vectors: [EncodedVector]
}

/// A float vector encoded as base64 of its little-endian float32 bytes.
public struct EncodedVector: Sendable, Codable, Hashable {
  public var values: [Float]

  public init(_ values: [Float]) { self.values = values }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    guard let data = Data(base64Encoded: text), data.count % 4 == 0 else {
      throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not a base64 float32 vector"))
    }
    values = data.withUnsafeBytes { raw in
      (0..<(data.count / 4)).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var bytes = Data(capacity: values.count * 4)
    for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
    var container = encoder.singleValueContainer()
    try container.encode(bytes.base64EncodedString())
  }
}
