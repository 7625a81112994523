import Foundation
import TwinCore

/// Turns a raw document into one cleaned text, by category.
///
/// - Articles: subtitle and body (the title is kept apart, in ``CleanedDocument/title``). The
///   page language is metadata, not text, so it is not appended.
/// - Posts: the post text.
/// - Repositories: each file cleaned as code, in path order, each under a `File: path` line.
public enum DocumentCleaner {
  /// Bump when cleaning changes, so every document is cleaned again.
  public static let version = "1"

  public static func clean(_ document: RawDocument, sourceHash: String) -> CleanedDocument {
    var title: String?
    var content = ""
    var files: [RepositoryFile] = []
    switch document.category {
    case .articles:
      title = document.text(.title).map(TextCleaner.cleanProse)
      content = [document.text(.subtitle), document.text(.content)]
        .compactMap { $0.map(TextCleaner.cleanProse) }
        .filter { !$0.isEmpty }
        .joined(separator: "\n\n")
    case .posts:
      title = document.text(.title).map(TextCleaner.cleanProse)
      let text = document.text(.content) ?? document.text(.text) ?? otherValues(document, except: [ContentField.title.rawValue])
      content = TextCleaner.cleanProse(text)
    case .repositories:
      title = document.name
      for path in document.content.keys.sorted() {
        guard let text = document.text(path) else { continue }
        let cleaned = TextCleaner.cleanCode(text)
        if !cleaned.isEmpty { files.append(RepositoryFile(path: path, text: cleaned)) }
      }
      content = files.map { "File: \($0.path)\n\($0.text)" }.joined(separator: "\n\n")
    }
    return CleanedDocument(
      id: document.id, category: document.category, title: title?.isEmpty == true ? nil : title,
      content: content, files: files, platform: document.platform, authorID: document.authorID,
      authorFullName: document.authorFullName, link: document.link, sourceHash: sourceHash)
  }

  /// A post from an unknown source: its values in key order, so nothing the author wrote is lost.
  static func otherValues(_ document: RawDocument, except: Set<String>) -> String {
    document.content.keys.sorted().filter { !except.contains($0) }
      .compactMap { document.text($0) }.joined(separator: "\n\n")
  }
}
