import Foundation

/// A raw document after cleaning: one text ready for chunking and dataset generation.
public struct CleanedDocument: Sendable, Hashable, Codable {
  /// The raw document's id.
  public var id: UUID
  public var category: DocumentCategory
  /// The article title or repository name, when there is one.
  public var title: String?
  /// The cleaned text: Markdown with paragraphs, lists and code blocks kept.
  public var content: String
  /// Repositories only: each file's cleaned text by path, in path order.
  public var files: [RepositoryFile]
  public var platform: String
  public var authorID: UUID
  public var authorFullName: String
  public var link: String?
  /// Identifies the raw content and the feature settings this was made from; a change in either
  /// makes the document stale.
  public var sourceHash: String

  public init(
    id: UUID, category: DocumentCategory, title: String?, content: String, files: [RepositoryFile] = [],
    platform: String, authorID: UUID, authorFullName: String, link: String?, sourceHash: String
  ) {
    self.id = id
    self.category = category
    self.title = title
    self.content = content
    self.files = files
    self.platform = platform
    self.authorID = authorID
    self.authorFullName = authorFullName
    self.link = link
    self.sourceHash = sourceHash
  }
}

/// One file of a repository.
public struct RepositoryFile: Sendable, Hashable, Codable {
  public var path: String
  public var text: String

  public init(path: String, text: String) {
    self.path = path
    self.text = text
  }
}

/// A piece of a cleaned document small enough for the embedding model's window.
public struct Chunk: Sendable, Hashable, Codable {
  /// Derived from the document id and the chunk text, so re-chunking unchanged text yields the
  /// same ids and a re-run overwrites instead of duplicating.
  public var id: UUID
  public var documentID: UUID
  /// Position within the document, from 0.
  public var index: Int
  /// The text that is embedded and returned by search.
  public var text: String
  /// Content tokens of `text` under the embedder's tokenizer.
  public var tokenCount: Int
  /// Repositories only: the file the chunk comes from.
  public var filePath: String?

  public init(id: UUID, documentID: UUID, index: Int, text: String, tokenCount: Int, filePath: String? = nil) {
    self.id = id
    self.documentID = documentID
    self.index = index
    self.text = text
    self.tokenCount = tokenCount
    self.filePath = filePath
  }
}
