import Foundation
import GRDB
import TwinCore

/// The embedded data warehouse: users and raw documents in SQLite.
///
/// Documents are one table with a `category` column; `link` carries a unique index so that
/// re-crawling a link updates in place. Content is stored as a JSON object with a SHA-256 beside it,
/// which tells an unchanged re-crawl from a real update.
public struct SQLiteWarehouse: DataWarehouse {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func getOrCreateUser(fullName: String) async throws -> User {
    let candidate = try User(fullName: fullName)
    let key = User.normalizedFullName(fullName)
    return try await database.pool.write { db in
      if let row = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE full_name = ?", arguments: [key]) {
        return try Self.user(row)
      }
      try db.execute(
        sql: "INSERT INTO users (id, first_name, last_name, full_name, created_at) VALUES (?, ?, ?, ?, ?)",
        arguments: [
          candidate.id.uuidString, candidate.firstName, candidate.lastName, key, Date().storedValue,
        ])
      return candidate
    }
  }

  public func user(fullName: String) async throws -> User? {
    let key = User.normalizedFullName(fullName)
    return try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM users WHERE full_name = ?", arguments: [key]).map(Self.user)
    }
  }

  public func user(id: UUID) async throws -> User? {
    try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id.uuidString]).map(Self.user)
    }
  }

  public func users() async throws -> [User] {
    try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM users ORDER BY full_name").map(Self.user)
    }
  }

  @discardableResult
  public func importSnapshot(users: [User], documents: [RawDocument]) async throws -> UpsertSummary {
    try await database.pool.write { db in
      for user in users {
        let key = User.normalizedFullName(user.fullName)
        if let other = try String.fetchOne(
          db, sql: "SELECT id FROM users WHERE full_name = ? AND id != ?",
          arguments: [key, user.id.uuidString])
        {
          throw TwinError.invalidInput(
            "user '\(key)' (\(user.id)) is already stored with another id (\(other))")
        }
        try db.execute(
          sql: """
            INSERT INTO users (id, first_name, last_name, full_name, created_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET first_name = excluded.first_name,
              last_name = excluded.last_name, full_name = excluded.full_name
            """,
          arguments: [user.id.uuidString, user.firstName, user.lastName, key, Date().storedValue])
      }
      return try Self.upsert(documents, in: db)
    }
  }

  @discardableResult
  public func upsert(_ documents: [RawDocument]) async throws -> UpsertSummary {
    try await database.pool.write { db in try Self.upsert(documents, in: db) }
  }

  public func document(link: String) async throws -> RawDocument? {
    try await database.pool.read { db in
      try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE link = ?", arguments: [link])
        .map(Self.document)
    }
  }

  public func documents(authorID: UUID?, category: DocumentCategory?) async throws -> [RawDocument] {
    try await database.pool.read { db in
      let (clause, args) = Self.filter(authorID: authorID, category: category)
      return try Row.fetchAll(
        db, sql: "SELECT * FROM documents \(clause) ORDER BY link, id", arguments: args
      ).map(Self.document)
    }
  }

  public func count(category: DocumentCategory?, authorID: UUID?) async throws -> Int {
    try await database.pool.read { db in
      let (clause, args) = Self.filter(authorID: authorID, category: category)
      return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM documents \(clause)", arguments: args) ?? 0
    }
  }

  // MARK: - Rows

  static func filter(authorID: UUID?, category: DocumentCategory?) -> (String, StatementArguments) {
    var conditions: [String] = []
    var args: StatementArguments = []
    if let authorID {
      conditions.append("author_id = ?")
      args += [authorID.uuidString]
    }
    if let category {
      conditions.append("category = ?")
      args += [category.rawValue]
    }
    return (conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "), args)
  }

  /// Upserts inside the caller's transaction: a thrown error rolls back every document.
  static func upsert(_ documents: [RawDocument], in db: Database) throws -> UpsertSummary {
    var summary = UpsertSummary()
    let now = Date().storedValue
    for var doc in documents {
      try doc.validate()
      guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [doc.authorID.uuidString]) != nil
      else {
        throw TwinError.invalidInput(
          "document \(doc.link ?? doc.id.uuidString) names author \(doc.authorID), who is not a stored user")
      }
      let hash = doc.contentHash
      let existing: Row?
      if let link = doc.link {
        existing = try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE link = ?", arguments: [link])
      } else {
        existing = try Row.fetchOne(db, sql: "SELECT * FROM documents WHERE id = ?", arguments: [doc.id.uuidString])
      }
      if let existing {
        // Keep the stored id so anything derived from it (chunks, datasets) stays attached.
        let stored = try document(existing)
        doc.id = stored.id
        if stored == doc {
          summary.unchanged += 1
          continue
        }
        try db.execute(
          sql: """
            UPDATE documents SET category = ?, link = ?, platform = ?, author_id = ?, author_full_name = ?,
              name = ?, image = ?, content = ?, content_hash = ?, updated_at = ? WHERE id = ?
            """,
          arguments: [
            doc.category.rawValue, doc.link, doc.platform, doc.authorID.uuidString, doc.authorFullName,
            doc.name, doc.image, try encodeContent(doc.content), hash, now, doc.id.uuidString,
          ])
        summary.updated += 1
      } else {
        try db.execute(
          sql: """
            INSERT INTO documents (id, category, link, platform, author_id, author_full_name, name, image,
              content, content_hash, created_at, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET category = excluded.category, link = excluded.link,
              platform = excluded.platform, author_id = excluded.author_id,
              author_full_name = excluded.author_full_name, name = excluded.name, image = excluded.image,
              content = excluded.content, content_hash = excluded.content_hash,
              updated_at = excluded.updated_at
            """,
          arguments: [
            doc.id.uuidString, doc.category.rawValue, doc.link, doc.platform, doc.authorID.uuidString,
            doc.authorFullName, doc.name, doc.image, try encodeContent(doc.content), hash, now, now,
          ])
        summary.inserted += 1
      }
    }
    return summary
  }

  static func encodeContent(_ content: DocumentContent) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(content), as: UTF8.self)
  }

  static func user(_ row: Row) throws -> User {
    guard let id = UUID(uuidString: row["id"]) else {
      throw TwinError.storage("users row has an invalid id: \(String(describing: row["id"] as String?))")
    }
    return User(id: id, firstName: row["first_name"], lastName: row["last_name"])
  }

  static func document(_ row: Row) throws -> RawDocument {
    let idText: String = row["id"]
    guard let id = UUID(uuidString: idText), let author = UUID(uuidString: row["author_id"]),
      let category = DocumentCategory(rawValue: row["category"])
    else { throw TwinError.storage("documents row \(idText) is corrupt") }
    let contentText: String = row["content"]
    let content = try JSONDecoder().decode(DocumentContent.self, from: Data(contentText.utf8))
    return try RawDocument(
      id: id, category: category, content: content, platform: row["platform"], authorID: author,
      authorFullName: row["author_full_name"], link: row["link"], name: row["name"], image: row["image"])
  }
}
