import Foundation
import TwinCore

/// An embedded chunk in `embedded_<category>`: a point keyed by the chunk id, carrying its
/// document's metadata so a search hit can be shown and filtered without another lookup.
public struct ChunkPayload: FeaturePayload, Hashable {
  public var documentID: UUID
  public var chunkIndex: Int
  public var content: String
  public var tokenCount: Int
  public var category: DocumentCategory
  public var platform: String
  public var authorID: UUID
  public var authorFullName: String
  /// The model that embedded it (the vectors of two models do not compare).
  public var embeddingModel: String
  public var title: String?
  public var link: String?
  /// Repositories: the file the chunk comes from.
  public var filePath: String?

  public enum CodingKeys: String, CodingKey {
    case documentID = "document_id", chunkIndex = "chunk_index", content, tokenCount = "token_count", category
    case platform, authorID = "author_id", authorFullName = "author_full_name", embeddingModel = "embedding_model"
    case title, link, filePath = "file_path"
  }

  public init(_ chunk: Chunk, of document: CleanedDocument, embeddingModel: String) {
    documentID = document.id
    chunkIndex = chunk.index
    content = chunk.text
    tokenCount = chunk.tokenCount
    category = document.category
    platform = document.platform
    authorID = document.authorID
    authorFullName = document.authorFullName
    self.embeddingModel = embeddingModel
    title = document.title
    link = document.link
    filePath = chunk.filePath
  }

  /// The point stored for `chunk` with its vector.
  public static func point(_ chunk: Chunk, vector: [Float], document: CleanedDocument, modelID: String) throws
    -> VectorPoint
  {
    let payload = ChunkPayload(chunk, of: document, embeddingModel: modelID)
    return VectorPoint(id: chunk.id.uuidString, vector: vector, payload: try payload.jsonObject())
  }

  /// Chunks of these authors.
  public static func authors(_ ids: [UUID]) -> PayloadFilter { filter(.authorID, isIn: ids.map(\.uuidString)) }
  /// Chunks of these documents.
  public static func documents(_ ids: [String]) -> PayloadFilter { filter(.documentID, isIn: ids) }
}
