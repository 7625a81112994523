import Foundation

/// What an upsert did to each document.
public struct UpsertSummary: Sendable, Equatable, Codable {
  public var inserted = 0
  public var updated = 0
  public var unchanged = 0
  public init(inserted: Int = 0, updated: Int = 0, unchanged: Int = 0) {
    self.inserted = inserted
    self.updated = updated
    self.unchanged = unchanged
  }
}

/// The data warehouse port: users and raw documents.
///
/// Implementations must make each call one transaction: a failed `upsert` stores none of the
/// documents passed to it. Documents with a link are keyed by it, so crawling a link again updates
/// the stored document (keeping its id) instead of duplicating it.
public protocol DataWarehouse: Sendable {
  /// Returns the user with this full name, creating it when absent.
  func getOrCreateUser(fullName: String) async throws -> User
  /// The user with this full name (whitespace-normalised), if any.
  func user(fullName: String) async throws -> User?
  /// The user with this id, if any.
  func user(id: UUID) async throws -> User?
  /// All users, ordered by full name.
  func users() async throws -> [User]
  /// Imports users and documents in one transaction: all of them are stored, or none.
  ///
  /// Users are matched by id; a user whose full name is already stored under another id is a
  /// conflict and fails the whole import.
  @discardableResult
  func importSnapshot(users: [User], documents: [RawDocument]) async throws -> UpsertSummary

  /// Inserts or updates documents in one transaction. A document whose link is already stored
  /// keeps the stored id.
  @discardableResult
  func upsert(_ documents: [RawDocument]) async throws -> UpsertSummary
  /// The document stored under `link`, if any.
  func document(link: String) async throws -> RawDocument?
  /// Documents filtered by author and kind (nil means any), ordered by link then id.
  func documents(authorID: UUID?, category: DocumentCategory?) async throws -> [RawDocument]
  /// Number of documents of a kind (nil: all kinds), optionally for one author.
  func count(category: DocumentCategory?, authorID: UUID?) async throws -> Int
}
