import Foundation
import Testing
import TwinCore
import TwinOrchestrator
import TwinPipelines
import TwinSQLite

/// A scripted source (a unit-test double): a feed expands into entries; some entries fail.
struct ScriptedSource: DocumentSource {
  var feeds: [String: [String]]
  var failing: Set<String>
  let extractions = Counter()

  func discover(_ link: String) async throws -> [DiscoveredLink] {
    if link.hasSuffix("/dead") { throw TwinError.invalidInput("\(link): HTTP 404") }
    if link.hasSuffix("/empty-feed") { return [] }
    let entries = feeds[link] ?? [link]
    return entries.map { DiscoveredLink(link: $0, origin: link) }
  }

  func extract(_ item: DiscoveredLink, author: User) async throws -> [RawDocument] {
    _ = extractions.next()
    if failing.contains(item.link) { throw TwinError.invalidInput("\(item.link): no article content") }
    return [try .article(content: ["Title": "t", "Content": item.link], platform: "p", author: author, link: item.link)]
  }
}

final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func next() -> Int { lock.withLock { value += 1; return value } }
  var count: Int { lock.withLock { value } }
}

@Suite struct LinkCrawlerTests {
  let source = ScriptedSource(
    feeds: ["https://a.example/feed": ["https://a.example/1", "https://a.example/2", "https://a.example/3"]],
    failing: ["https://a.example/2"])
  let links = ["https://a.example/feed", "https://b.example/post", "https://c.example/dead", "https://a.example/1"]

  @Test func everyLinkEndsStoredSkippedOrFailed() async throws {
    let ws = try temporaryWorkspace()
    let pipeline = try DigitalDataETL.pipeline(
      userFullName: "Ada Lovecraft", links: links, warehouse: ws.warehouse, source: source, concurrency: 3, refresh: false)
    let result = try await PipelineRunner(store: ws.runs, blobs: ws.blobs).run(pipeline)
    #expect(result.run.status == .succeeded)
    let report = try #require(try result.output(DigitalDataETL.crawlReport))
    #expect(report.count(.stored) == 3)
    #expect(report.count(.failed) == 2)
    #expect(report.perDomain["a.example"] == DomainTally(successful: 2, total: 3))
    #expect(report.perDomain["c.example"] == DomainTally(successful: 0, total: 1))
    #expect(report.outcomes.first { $0.link == "https://a.example/2" }?.reason?.contains("no article content") == true)
    #expect(try await ws.warehouse.count(category: .articles, authorID: nil) == 3)
    let metadata = try #require(result.artifacts[DigitalDataETL.crawlReport.step]?.metadata)
    #expect(metadata["domains"]?["a.example"]?["successful"] == .int(2))

    // A re-run skips what is stored and retries only the failures.
    let before = source.extractions.count
    let again = try await PipelineRunner(store: ws.runs, blobs: ws.blobs).run(pipeline)
    let second = try #require(try again.output(DigitalDataETL.crawlReport))
    #expect(second.count(.skipped) == 3)
    #expect(source.extractions.count - before == 1)
    #expect(try await ws.warehouse.count(category: .articles, authorID: nil) == 3)
  }

  @Test func aListingThatYieldsNothingStillEndsWithAReason() async throws {
    let ws = try temporaryWorkspace()
    let user = try await ws.warehouse.getOrCreateUser(fullName: "Ada Lovecraft")
    let report = try await LinkCrawler(warehouse: ws.warehouse, source: source, concurrency: 2, refresh: false)
      .crawl(links: ["https://a.example/empty-feed"], author: user, progress: SilentProgress())
    #expect(report.outcomes.count == 1)
    #expect(report.outcomes.first?.status == .failed)
    #expect(report.outcomes.first?.reason?.contains("lists no links") == true)
  }

  @Test func refreshExtractsAgainWithoutDuplicating() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    _ = try await runner.run(try DigitalDataETL.pipeline(
      userFullName: "Ada Lovecraft", links: links, warehouse: ws.warehouse, source: source, concurrency: 2, refresh: false))
    let result = try await runner.run(try DigitalDataETL.pipeline(
      userFullName: "Ada Lovecraft", links: links, warehouse: ws.warehouse, source: source, concurrency: 2, refresh: true))
    let report = try #require(try result.output(DigitalDataETL.crawlReport))
    #expect(report.count(.stored) == 3 && report.count(.skipped) == 0)
    #expect(try await ws.warehouse.count(category: .articles, authorID: nil) == 3)
    #expect(try await ws.warehouse.users().count == 1)
  }
}
