import Foundation
import TwinCore

/// The feature store's collections and their payload layout, as the Handbook names them:
/// `cleaned_<category>` (payload only; dataset generation reads them) and
/// `embedded_<category>` (chunks with vectors; retrieval searches them).
public enum FeatureCollections {
  public static func cleaned(_ category: DocumentCategory) -> String { "cleaned_\(category.rawValue)" }
  public static func embedded(_ category: DocumentCategory) -> String { "embedded_\(category.rawValue)" }
  /// Where a rebuild (`--full`) writes `collection` until it commits; never searched.
  public static func staging(_ collection: String) -> String { "rebuild__\(collection)" }

  /// A cleaned document as a payload-only point keyed by the document id.
  static func point(_ document: CleanedDocument, chunkCount: Int) -> VectorPoint {
    var payload: [String: JSONValue] = [
      "document_id": .string(document.id.uuidString),
      "category": .string(document.category.rawValue),
      "content": .string(document.content),
      "platform": .string(document.platform),
      "author_id": .string(document.authorID.uuidString),
      "author_full_name": .string(document.authorFullName),
      "source_hash": .string(document.sourceHash),
      "chunk_count": .int(chunkCount),
    ]
    if let title = document.title { payload["title"] = .string(title) }
    if let link = document.link { payload["link"] = .string(link) }
    return VectorPoint(id: document.id.uuidString, payload: payload)
  }

  /// An embedded chunk as a point keyed by the chunk id, carrying its document's metadata so a
  /// search hit can be shown and filtered without another lookup.
  static func point(_ chunk: Chunk, vector: [Float], document: CleanedDocument, modelID: String) -> VectorPoint {
    var payload: [String: JSONValue] = [
      "document_id": .string(document.id.uuidString),
      "chunk_index": .int(chunk.index),
      "content": .string(chunk.text),
      "token_count": .int(chunk.tokenCount),
      "category": .string(document.category.rawValue),
      "platform": .string(document.platform),
      "author_id": .string(document.authorID.uuidString),
      "author_full_name": .string(document.authorFullName),
      "embedding_model": .string(modelID),
    ]
    if let title = document.title { payload["title"] = .string(title) }
    if let link = document.link { payload["link"] = .string(link) }
    if let path = chunk.filePath { payload["file_path"] = .string(path) }
    return VectorPoint(id: chunk.id.uuidString, vector: vector, payload: payload)
  }
}

/// A chunk found by search, in the shape people and prompts read.
public struct RetrievedChunk: Sendable, Hashable, Codable {
  public var id: String
  public var score: Float
  public var category: String
  public var title: String?
  public var link: String?
  public var platform: String
  public var authorFullName: String
  public var authorID: String
  public var documentID: String
  public var filePath: String?
  public var content: String

  public init(_ hit: ScoredPoint) {
    let p = hit.point
    id = p.id
    score = hit.score
    category = p.string("category") ?? ""
    title = p.string("title")
    link = p.string("link")
    platform = p.string("platform") ?? ""
    authorFullName = p.string("author_full_name") ?? ""
    authorID = p.string("author_id") ?? ""
    documentID = p.string("document_id") ?? ""
    filePath = p.string("file_path")
    content = p.string("content") ?? ""
  }

  /// Orders chunks whose scores tie by what they are (link, file, text) rather than by their
  /// ids, which come from random document ids: the same corpus crawled twice must rank, and so
  /// prompt and answer, the same way.
  public var tieBreaker: String { "\(link ?? "")\u{0}\(filePath ?? "")\u{0}\(content)\u{0}\(id)" }
}
