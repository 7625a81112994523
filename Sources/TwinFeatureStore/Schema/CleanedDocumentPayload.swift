import Foundation
import TwinCore

/// A cleaned document in `cleaned_<category>`: a payload-only point keyed by the document id.
///
/// `source_hash` is the change-data-capture key: the feature pipeline re-processes a raw
/// document only when its hash differs from the one stored here.
public struct CleanedDocumentPayload: FeaturePayload, Hashable {
  public var documentID: UUID
  public var category: DocumentCategory
  public var content: String
  public var platform: String
  public var authorID: UUID
  public var authorFullName: String
  public var sourceHash: String
  public var chunkCount: Int
  public var title: String?
  public var link: String?

  public enum CodingKeys: String, CodingKey {
    case documentID = "document_id", category, content, platform, authorID = "author_id"
    case authorFullName = "author_full_name", sourceHash = "source_hash", chunkCount = "chunk_count", title, link
  }

  public init(_ document: CleanedDocument, chunkCount: Int) {
    documentID = document.id
    category = document.category
    content = document.content
    platform = document.platform
    authorID = document.authorID
    authorFullName = document.authorFullName
    sourceHash = document.sourceHash
    self.chunkCount = chunkCount
    title = document.title
    link = document.link
  }

  /// The point stored for this document.
  public func point() throws -> VectorPoint {
    VectorPoint(id: documentID.uuidString, payload: try jsonObject())
  }

  /// Documents of these authors.
  public static func authors(_ ids: [UUID]) -> PayloadFilter { filter(.authorID, isIn: ids.map(\.uuidString)) }
}
