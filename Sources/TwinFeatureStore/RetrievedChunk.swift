import Foundation
import TwinCore

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

  /// A search hit in `embedded_*`.
  ///
  /// - Throws: ``TwinError/storage(_:)`` when the point is not a valid ``ChunkPayload``.
  public init(_ hit: ScoredPoint) throws {
    let payload = try ChunkPayload(hit.point)
    id = hit.point.id
    score = hit.score
    category = payload.category.rawValue
    title = payload.title
    link = payload.link
    platform = payload.platform
    authorFullName = payload.authorFullName
    authorID = payload.authorID.uuidString
    documentID = payload.documentID.uuidString
    filePath = payload.filePath
    content = payload.content
  }

  /// Orders chunks whose scores tie by what they are (link, file, text) rather than by their
  /// ids, which come from random document ids: the same corpus crawled twice must rank, and so
  /// prompt and answer, the same way.
  public var tieBreaker: String { "\(link ?? "")\u{0}\(filePath ?? "")\u{0}\(content)\u{0}\(id)" }
}
