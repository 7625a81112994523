import Foundation
import Testing
import TwinCore
import TwinSQLite

@Suite struct SQLiteWarehouseTests {
  @Test func getOrCreateUserIsIdempotentAndNormalisesWhitespace() async throws {
    let warehouse = try temporaryWorkspace().warehouse
    let a = try await warehouse.getOrCreateUser(fullName: "Paul Iusztin")
    let b = try await warehouse.getOrCreateUser(fullName: " Paul   Iusztin ")
    #expect(a.id == b.id)
    #expect(try await warehouse.users().count == 1)
    #expect(try await warehouse.user(fullName: "Nobody Here") == nil)
  }

  @Test func upsertByLinkNeverDuplicatesAndKeepsTheStoredID() async throws {
    let warehouse = try temporaryWorkspace().warehouse
    let user = try await warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    let first = try RawDocument.article(
      content: ["Title": "One", "Subtitle": nil, "Content": "Body"], platform: "example.com", author: user,
      link: "https://example.com/one")
    #expect(try await warehouse.upsert([first]) == UpsertSummary(inserted: 1))
    let again = try RawDocument.article(
      content: ["Title": "One", "Subtitle": nil, "Content": "Body"], platform: "example.com", author: user,
      link: "https://example.com/one")
    #expect(try await warehouse.upsert([again]) == UpsertSummary(unchanged: 1))
    let edited = try RawDocument.article(
      content: ["Title": "One", "Subtitle": "now", "Content": "Body v2"], platform: "example.com", author: user,
      link: "https://example.com/one")
    #expect(try await warehouse.upsert([edited]) == UpsertSummary(updated: 1))
    let stored = try #require(try await warehouse.document(link: "https://example.com/one"))
    #expect(stored.id == first.id)
    #expect(stored.text("Content") == "Body v2")
    #expect(try await warehouse.count(category: .articles, authorID: user.id) == 1)
    #expect(try await warehouse.count(category: .posts, authorID: nil) == 0)
  }

  @Test func aFailedUpsertStoresNothing() async throws {
    let warehouse = try temporaryWorkspace().warehouse
    let user = try await warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    let stranger = User(firstName: "Not", lastName: "Stored")
    let good = try RawDocument.article(content: ["Content": "a"], platform: "p", author: user, link: "https://a/1")
    let orphan = try RawDocument.article(content: ["Content": "b"], platform: "p", author: stranger, link: "https://a/2")
    let error = await #expect(throws: TwinError.self) { try await warehouse.upsert([good, orphan]) }
    #expect("\(error!)".contains("https://a/2"))
    #expect(try await warehouse.count(category: nil, authorID: nil) == 0)
  }

  @Test func findsByAuthorAndKind() async throws {
    let warehouse = try temporaryWorkspace().warehouse
    let ada = try await warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    let ben = try await warehouse.getOrCreateUser(fullName: "Ben Okafor")
    try await warehouse.upsert([
      try .article(content: ["Content": "a"], platform: "p", author: ada, link: "https://a/1"),
      try .repository(content: ["README.md": "  keep  spaces\n"], platform: "github", author: ada, name: "r", link: "https://github.com/ada/r"),
      try .post(content: ["Content": "p"], platform: "linkedin", author: ben, link: nil, image: "https://img/1.png"),
    ])
    #expect(try await warehouse.documents(authorID: ada.id, category: nil).count == 2)
    let repos = try await warehouse.documents(authorID: ada.id, category: .repositories)
    #expect(repos.first?.text("README.md") == "  keep  spaces\n")
    let posts = try await warehouse.documents(authorID: nil, category: .posts)
    #expect(posts.map(\.image) == ["https://img/1.png"])
    #expect(try await warehouse.count(category: nil, authorID: ben.id) == 1)
  }

  @Test func reopeningTheWorkspaceKeepsEverything() async throws {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("twin-ws-\(UUID().uuidString)").path
    do {
      let ws = try Workspace(path: path)
      let user = try await ws.warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
      try await ws.warehouse.upsert([try .article(content: ["Content": "a"], platform: "p", author: user, link: "https://a/1")])
    }
    let reopened = try Workspace(path: path)
    #expect(try await reopened.warehouse.count(category: .articles, authorID: nil) == 1)
  }
}
