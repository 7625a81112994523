import Foundation
import Testing
import TwinCore
import TwinPipelines
import TwinSQLite

@Suite struct WarehouseExchangeTests {
  @Test func importsTheHandbookFormatAndIsIdempotent() async throws {
    let dir = try temporaryDirectory("handbook")
    try HandbookFixture.write(to: dir)
    let ws = try temporaryWorkspace()
    let exchange = WarehouseExchange(warehouse: ws.warehouse)
    let (counts, summary) = try await exchange.importDirectory(dir)
    #expect(counts == .init(users: 2, articles: 2, posts: 1, repositories: 1))
    #expect(summary == UpsertSummary(inserted: 4))
    let article = try #require(try await ws.warehouse.document(link: "https://decodingml.substack.com/p/dml-top-6-ml-platform-features-you?r=1ttoeh"))
    #expect(article.id.uuidString.lowercased() == "c389b7c9-ca21-4863-9d91-1807c3dc6cab")
    #expect(article.content["Subtitle"] == .some(nil))
    #expect(article.text("language") == "en")
    #expect(article.platform == "decodingml.substack.com")
    let repo = try #require(try await ws.warehouse.documents(authorID: nil, category: .repositories).first)
    #expect(repo.text("src/main.py") == "def f():\n    return 1\n")
    #expect(repo.name == "llm-twin")
    let (_, again) = try await exchange.importDirectory(dir)
    #expect(again == UpsertSummary(unchanged: 4))
    #expect(try await ws.warehouse.users().map(\.fullName) == ["Maxime Labonne", "Paul Iusztin"])
  }

  @Test func exportRoundTripsThroughImport() async throws {
    let source = try temporaryDirectory("handbook")
    try HandbookFixture.write(to: source)
    let ws = try temporaryWorkspace()
    _ = try await WarehouseExchange(warehouse: ws.warehouse).importDirectory(source)
    let exported = try temporaryDirectory("export")
    let counts = try await WarehouseExchange(warehouse: ws.warehouse).export(to: exported)
    #expect(counts == .init(users: 2, articles: 2, posts: 1, repositories: 1))

    // The export is the Handbook's shape: `_id`, null Subtitle kept, lower-case UUIDs.
    let json = try JSONSerialization.jsonObject(with: Data(contentsOf: exported.appendingPathComponent("ArticleDocument.json"))) as! [[String: Any]]
    let first = try #require(json.first { ($0["_id"] as? String) == "c389b7c9-ca21-4863-9d91-1807c3dc6cab" })
    #expect((first["content"] as? [String: Any])?["Subtitle"] is NSNull)
    #expect(first["author_id"] as? String == HandbookFixture.userID)
    #expect(Set(first.keys) == ["_id", "content", "platform", "author_id", "author_full_name", "link"])

    let copy = try temporaryWorkspace()
    let (_, summary) = try await WarehouseExchange(warehouse: copy.warehouse).importDirectory(exported)
    #expect(summary == UpsertSummary(inserted: 4))
    for category in DocumentCategory.allCases {
      #expect(
        try await copy.warehouse.documents(authorID: nil, category: category)
          == ws.warehouse.documents(authorID: nil, category: category))
    }
  }

  @Test func aMalformedFileImportsNothingAndNamesTheEntry() async throws {
    let ws = try temporaryWorkspace()
    let exchange = WarehouseExchange(warehouse: ws.warehouse)

    let badContent = try temporaryDirectory("bad")
    try HandbookFixture.write(
      to: badContent,
      articles: """
        [{"content": {"Title": "ok"}, "platform": "p", "author_id": "\(HandbookFixture.userID)", "author_full_name": "Paul Iusztin", "link": "https://x/1", "_id": "00000000-0000-0000-0000-000000000001"},
         {"content": {"Title": 42}, "platform": "p", "author_id": "\(HandbookFixture.userID)", "author_full_name": "Paul Iusztin", "link": "https://x/2", "_id": "00000000-0000-0000-0000-000000000002"}]
        """)
    let e1 = await #expect(throws: TwinError.self) { try await exchange.importDirectory(badContent) }
    #expect("\(e1!)".contains("ArticleDocument.json: entry 1 (_id 00000000-0000-0000-0000-000000000002) content.Title"))

    let truncated = try temporaryDirectory("truncated")
    try HandbookFixture.write(to: truncated, articles: String(HandbookFixture.articles.prefix(200)))
    let e2 = await #expect(throws: TwinError.self) { try await exchange.importDirectory(truncated) }
    #expect("\(e2!)".contains("ArticleDocument.json: not valid JSON"))

    let unknownAuthor = try temporaryDirectory("orphan")
    try HandbookFixture.write(
      to: unknownAuthor,
      articles: """
        [{"content": {"Title": "t"}, "platform": "p", "author_id": "11111111-1111-1111-1111-111111111111", "author_full_name": "Nobody", "link": "https://x/3", "_id": "00000000-0000-0000-0000-000000000003"}]
        """)
    let e3 = await #expect(throws: TwinError.self) { try await exchange.importDirectory(unknownAuthor) }
    #expect("\(e3!)".contains("https://x/3"))

    let empty = try temporaryDirectory("empty")
    await #expect(throws: TwinError.self) { try await exchange.importDirectory(empty) }

    #expect(try await ws.warehouse.users().isEmpty)
    #expect(try await ws.warehouse.count(category: nil, authorID: nil) == 0)
  }
}
