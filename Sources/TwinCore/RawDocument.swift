import Foundation

/// A document's content: a string map, as the Handbook stores it.
///
/// Values may be JSON `null` (an article's `Subtitle` often is), so a key can be present with no
/// value. Keeping the distinction lets a Handbook export round-trip unchanged.
public typealias DocumentContent = [String: String?]

/// A raw document in the data warehouse: an article, a post or a repository.
///
/// One struct serves the three kinds because they share every field but the kind-specific ones;
/// the static constructors ``article(id:content:platform:author:link:)`` and friends enforce
/// which of `link`, `name` and `image` each kind requires.
public struct RawDocument: Sendable, Hashable, Codable, Identifiable {
  public var id: UUID
  public var category: DocumentCategory
  public var content: DocumentContent
  /// Where it came from: `medium`, `github`, `linkedin`, or the site's host name.
  public var platform: String
  public var authorID: UUID
  public var authorFullName: String
  /// Required for articles and repositories; optional for posts. Unique across the warehouse.
  public var link: String?
  /// Repositories only: the repository's name.
  public var name: String?
  /// Posts only: an attached image URL.
  public var image: String?

  public init(
    id: UUID = UUID(), category: DocumentCategory, content: DocumentContent, platform: String,
    authorID: UUID, authorFullName: String, link: String?, name: String? = nil,
    image: String? = nil
  ) throws {
    self.id = id
    self.category = category
    self.content = content
    self.platform = platform
    self.authorID = authorID
    self.authorFullName = authorFullName
    self.link = link
    self.name = name
    self.image = image
    try validate()
  }

  /// An article: `content` holds `Title`, `Subtitle`, `Content` and optionally `language`.
  public static func article(
    id: UUID = UUID(), content: DocumentContent, platform: String, author: User, link: String
  ) throws -> RawDocument {
    try RawDocument(
      id: id, category: .articles, content: content, platform: platform, authorID: author.id,
      authorFullName: author.fullName, link: link)
  }

  /// A post (LinkedIn share or similar): the link and image are optional.
  public static func post(
    id: UUID = UUID(), content: DocumentContent, platform: String, author: User,
    link: String?, image: String?
  ) throws -> RawDocument {
    try RawDocument(
      id: id, category: .posts, content: content, platform: platform, authorID: author.id,
      authorFullName: author.fullName, link: link, image: image)
  }

  /// A code repository: `content` maps each file path to its exact text.
  public static func repository(
    id: UUID = UUID(), content: DocumentContent, platform: String, author: User, name: String,
    link: String
  ) throws -> RawDocument {
    try RawDocument(
      id: id, category: .repositories, content: content, platform: platform,
      authorID: author.id, authorFullName: author.fullName, link: link, name: name)
  }

  /// Checks the kind-specific fields.
  public func validate() throws {
    switch category {
    case .articles:
      guard let link, !link.isEmpty else { throw TwinError.invalidInput("an article needs a link") }
      guard name == nil, image == nil else {
        throw TwinError.invalidInput("an article has no name or image (\(link))")
      }
    case .posts:
      guard name == nil else { throw TwinError.invalidInput("a post has no name") }
    case .repositories:
      guard let link, !link.isEmpty else { throw TwinError.invalidInput("a repository needs a link") }
      guard let name, !name.isEmpty else {
        throw TwinError.invalidInput("a repository needs a name (\(link))")
      }
    }
    if platform.isEmpty { throw TwinError.invalidInput("document \(id) has an empty platform") }
  }

  /// The value of a content key, or nil when it is absent or JSON null.
  public func text(_ key: String) -> String? { content[key] ?? nil }

  /// A stable SHA-256 of the content (keys sorted), used to detect changed documents.
  public var contentHash: String {
    var canonical = ""
    for key in content.keys.sorted() {
      canonical += key.count.description + ":" + key
      if let value = content[key] ?? nil {
        canonical += "=" + value.utf8.count.description + ":" + value
      } else {
        canonical += "~"
      }
      canonical += "\n"
    }
    return SHA256Digest.hex(of: Array(canonical.utf8))
  }
}
