import Foundation
import Logging
import Testing
import TwinCore
import TwinCrawlers
import TwinOrchestrator
import TwinPipelines
import TwinSQLite

/// Crawls against the fixture server's hostile routes, through the real dispatcher, fetcher,
/// git crawler and SQLite warehouse: what a malicious or broken site must not achieve.
@Suite struct HostileCrawlTests {
  let author = User(firstName: "Alan", lastName: "Turing")

  /// A dispatcher as `twin etl` builds it, private addresses allowed only so the loopback site
  /// can be reached (as the quickstart does).
  private func withDispatcher<T: Sendable>(
    _ adjust: (inout FetchPolicy) -> Void = { _ in }, _ body: (CrawlerDispatcher) async throws -> T
  ) async throws -> T {
    var logger = Logger(label: "test-hostile")
    logger.logLevel = .critical
    return try await withFetcher(fixturePolicy(adjust)) { fetcher in
      let git = GitRepositoryCrawler(allowPrivateNetwork: true, logger: logger)
      return try await body(CrawlerDispatcher(fetcher: fetcher, git: git, logger: logger))
    }
  }

  private func crawl(
    _ links: [String], dispatcher: CrawlerDispatcher, workspace: Workspace, concurrency: Int = 4
  ) async throws -> CrawlReport {
    let user = try await workspace.warehouse.getOrCreateUser(fullName: author.fullName)
    return try await LinkCrawler(
      warehouse: workspace.warehouse, source: dispatcher, concurrency: concurrency, refresh: false
    ).crawl(links: links, author: user, progress: SilentProgress())
  }

  // MARK: Failure 1: a web feed must not make Twin read local repositories

  @Test func feedsAndSitemapsCannotPointAtLocalRepositories() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let repository = try GitTestRepository.make(in: directory)
    let workspace = try Workspace(path: directory.url.appendingPathComponent("ws").path)
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        // Each listing on its own: the same file link in two listings would get one outcome.
        for (listing, localLinks) in [("file-feed.xml", 2), ("file-atom.xml", 1), ("file-sitemap.xml", 1)] {
          let report = try await crawl(
            ["\(base)/hostile/\(listing)?target=\(repository.path)"], dispatcher: dispatcher, workspace: workspace)
          // Every local link fails, naming the scheme rule.
          let refused = report.outcomes.filter { $0.status == .failed }
          #expect(refused.count == localLinks, "\(listing): \(report.outcomes)")
          for outcome in refused {
            #expect(outcome.reason?.contains("only http and https can be fetched") == true, "\(outcome)")
          }
        }
        #expect(try await workspace.warehouse.count(category: .repositories, authorID: nil) == 0)
        // The feed's one http entry is stored.
        #expect(try await workspace.warehouse.document(link: base + "/posts/fine") != nil)
      }
    }
    // The same repository is crawled when the user names it.
    try await withDispatcher { dispatcher in
      let report = try await crawl([repository.path], dispatcher: dispatcher, workspace: workspace)
      #expect(report.count(.stored) == 1)
    }
  }

  // MARK: Failure 4: a slow-drip page must not stall the crawl

  /// The fixture server and the crawl run on a ``DedicatedExecutor``: the good pages must beat
  /// an 8 s deadline, which a task queued behind the suite's start can miss on two busy cores.
  @Test(.timeLimit(.minutes(10))) func aDrippingPageTimesOutAndTheRestIsStored() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let workspace = try Workspace(path: directory.url.path)
    try await withTaskExecutorPreference(DedicatedExecutor(label: "twin-test.dripping-page")) {
      try await crawlPastADrippingPage(workspace: workspace)
    }
  }

  private func crawlPastADrippingPage(workspace: Workspace) async throws {
    try await LoopbackFixtureServer.with { base, _ in
      // The drip lasts a minute and each byte resets the read timeout (120 s here anyway), so
      // only the deadline can end it with a timeout: the error alone shows the deadline fired,
      // with no clock read that a loaded machine could push past a bound.
      try await withDispatcher({ $0.totalTimeout = .seconds(8); $0.respectsRobotsTxt = false }) { dispatcher in
        await #expect(throws: FetchError.timeout(url: base + "/hostile/drip")) {
          try await dispatcher.discover(base + "/hostile/drip")
        }

        // The drip given directly and inside a sitemap: both fail on their own deadline, and
        // the five good pages are stored.
        let report = try await crawl(
          [base + "/hostile/drip", base + "/hostile/mixed-sitemap.xml"], dispatcher: dispatcher,
          workspace: workspace, concurrency: 2)
        #expect(report.count(.stored) == 5, "\(report.outcomes)")
        #expect(report.count(.failed) == 1)
        #expect(report.outcomes.first { $0.status == .failed }?.reason?.contains("timed out") == true)
        #expect(try await workspace.warehouse.count(category: .articles, authorID: nil) == 5)
      }
    }
  }

  @Test func storedPagesAreSkippedBeforeTheyAreFetched() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let workspace = try Workspace(path: directory.url.path)
    try await LoopbackFixtureServer.with { base, log in
      try await withDispatcher { dispatcher in
        let links = [base + "/posts/a", base + "/posts/b"]
        #expect(try await crawl(links, dispatcher: dispatcher, workspace: workspace).count(.stored) == 2)
        let again = try await crawl(links, dispatcher: dispatcher, workspace: workspace)
        #expect(again.count(.skipped) == 2)
      }
      #expect(await log.hitCount("/posts/a") == 1)
      #expect(await log.hitCount("/posts/b") == 1)
    }
  }

  @Test func credentialsInLinksAreNeverStoredOrShown() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let workspace = try Workspace(path: directory.url.path)
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        let secret = "s3cr3t-\(UUID().uuidString)"
        let link = base.replacingOccurrences(of: "http://", with: "http://ada:\(secret)@") + "/posts/private"
        let pipeline = try DigitalDataETL.pipeline(
          userFullName: author.fullName, links: [link], warehouse: workspace.warehouse, source: dispatcher,
          concurrency: 2, refresh: false)
        let result = try await PipelineRunner(store: workspace.runs, blobs: workspace.blobs).run(pipeline)
        let report = try #require(try result.output(DigitalDataETL.crawlReport))
        #expect(report.count(.stored) == 1, "\(report.outcomes)")
        #expect(!"\(report.outcomes)".contains(secret))
        #expect(!result.run.parameters.canonicalJSON.contains(secret))
        let stored = try #require(try await workspace.warehouse.document(link: base + "/posts/private"))
        #expect(stored.link == base + "/posts/private")
        // A second run finds it stored, though the link was typed with its credentials again.
        let again = try await crawl([link], dispatcher: dispatcher, workspace: workspace)
        #expect(again.count(.skipped) == 1)
      }
    }
  }

  // MARK: Failure 8: every link ends with an outcome and a reason

  @Test func listingsWithNothingToCrawlFailWithAReason() async throws {
    let directory = try TemporaryDirectory()
    defer { directory.remove() }
    let workspace = try Workspace(path: directory.url.path)
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        let links = ["empty-feed.xml", "malformed.rss", "entity-bomb.xml", "self-index.xml"].map {
          base + "/hostile/" + $0
        }
        let report = try await crawl(links, dispatcher: dispatcher, workspace: workspace)
        #expect(Set(report.outcomes.map(\.link)) == Set(links), "\(report.outcomes)")
        for outcome in report.outcomes {
          #expect(outcome.status == .failed)
          #expect(outcome.reason?.isEmpty == false, "\(outcome)")
        }
        #expect(try await workspace.warehouse.count(category: .articles, authorID: nil) == 0)
      }
    }
  }
}
