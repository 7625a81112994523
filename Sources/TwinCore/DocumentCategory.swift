/// The three kinds of raw document the warehouse holds, named as the Handbook's collections.
public enum DocumentCategory: String, Sendable, Codable, CodingKeyRepresentable, CaseIterable, Hashable {
  case articles
  case posts
  case repositories

  /// The Handbook's export file for this kind (`ArticleDocument.json`, …).
  public var exportFileName: String {
    switch self {
    case .articles: "ArticleDocument.json"
    case .posts: "PostDocument.json"
    case .repositories: "RepositoryDocument.json"
    }
  }
}
