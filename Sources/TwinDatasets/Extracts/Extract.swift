import Foundation
import TwinCore

/// A passage of one cleaned document, the unit a dataset prompt is built from (the Handbook's
/// 1,000–2,000-character extracts).
public struct Extract: Sendable, Hashable, Codable {
  /// A hash of the document id and the text: stable across runs, so samples of one extract can
  /// be kept together and re-runs reuse cached work.
  public var id: String
  public var documentID: UUID
  public var category: DocumentCategory
  public var authorFullName: String
  public var title: String?
  public var text: String

  public init(documentID: UUID, category: DocumentCategory, authorFullName: String, title: String?, text: String) {
    self.documentID = documentID
    self.category = category
    self.authorFullName = authorFullName
    self.title = title
    self.text = text
    id = String(SHA256Digest.hex(of: "\(documentID.uuidString)|\(text)").prefix(24))
  }
}
