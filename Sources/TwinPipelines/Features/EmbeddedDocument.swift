import Foundation
import TwinCore
import TwinOrchestrator

/// The clean step's output: the cleaned documents, in the blob store, in the plan's order.
public struct CleanedBatch: Sendable, Codable, Hashable {
  public var documents: BlobRef<[CleanedDocument]>
  public var count: Int
}

/// The chunk-and-embed step's output: each cleaned document's chunks and one vector per chunk,
/// in the blob store. `cleaned` names the batch they were made from, so the load step can tell
/// that its inputs belong together by comparing two hashes.
public struct EmbeddedBatch: Sendable, Codable, Hashable {
  public var cleaned: BlobRef<[CleanedDocument]>
  /// Per cleaned document, in the batch's order, its chunks.
  public var chunks: BlobRef<[[Chunk]]>
  /// One vector per chunk, in the order of `chunks` flattened.
  public var vectors: BlobRef<[[Float]]>
  public var dimension: Int
  public var chunkCount: Int
}

/// One document's chunks and their vectors, as the load step writes them.
struct EmbeddedDocument: Sendable {
  var documentID: UUID
  var chunks: [Chunk]
  var vectors: [[Float]]
}
