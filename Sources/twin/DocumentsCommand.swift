import ArgumentParser
import Foundation
import TwinCore
import TwinSQLite

/// `twin documents`: what the warehouse holds.
struct DocumentsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "documents",
    abstract: "List the raw documents in the data warehouse, with counts per author and kind.")

  @Option(name: .long, help: "Only this author's documents (full name).")
  var author: String?

  @Option(name: .long, help: "Only this kind: articles, posts or repositories.")
  var category: DocumentCategory?

  @Option(name: .long, help: "How many documents to list (counts always cover all).")
  var limit = 50

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    let app = try await AppContext.open(global: global, workspace: .readOnly)
    let warehouse = app.workspace.warehouse
    var authorID: UUID?
    if let author {
      guard let user = try await warehouse.user(fullName: author) else {
        throw ValidationError("no user named '\(author)' in the warehouse")
      }
      authorID = user.id
    }
    let documents = try await warehouse.documents(authorID: authorID, category: category)
    if app.json { return try Output.json(documents.prefix(max(0, limit)).map(Listing.init)) }
    let users = try await warehouse.users()
    var rows: [[String]] = []
    for user in users where authorID == nil || user.id == authorID {
      for kind in DocumentCategory.allCases where category == nil || kind == category {
        let n = try await warehouse.count(category: kind, authorID: user.id)
        if n > 0 { rows.append([user.fullName, kind.rawValue, "\(n)"]) }
      }
    }
    if rows.isEmpty { return print("the warehouse is empty: try `twin quickstart` or `twin etl`") }
    Output.table(["author", "kind", "documents"], rows)
    print("")
    Output.table(
      ["kind", "author", "title", "link"],
      documents.prefix(max(0, limit)).map { [$0.category.rawValue, $0.authorFullName, Listing.title($0), $0.link ?? "-"] })
    if documents.count > limit { print("… \(documents.count - limit) more (use --limit)") }
  }

  struct Listing: Encodable {
    var id: UUID
    var category: DocumentCategory
    var author: String
    var platform: String
    var title: String
    var link: String?
    var characters: Int

    init(_ doc: RawDocument) {
      id = doc.id
      category = doc.category
      author = doc.authorFullName
      platform = doc.platform
      title = Listing.title(doc)
      link = doc.link
      characters = doc.content.values.reduce(0) { $0 + ($1?.count ?? 0) }
    }

    static func title(_ doc: RawDocument) -> String {
      let raw: String =
        switch doc.category {
        case .articles: doc.text(.title) ?? "(untitled)"
        case .repositories: "\(doc.name ?? "?") (\(doc.content.count) files)"
        case .posts: doc.text(.content).map { String($0.prefix(60)) } ?? "(empty)"
        }
      let flat = raw.replacingOccurrences(of: "\n", with: " ")
      return flat.count > 60 ? String(flat.prefix(59)) + "…" : flat
    }
  }
}

extension DocumentCategory: ExpressibleByArgument {}
