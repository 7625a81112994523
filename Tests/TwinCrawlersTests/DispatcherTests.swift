import Foundation
import Logging
import Testing
import TwinCore
import TwinCrawlers

@Suite struct DispatcherTests {
  let author = User(firstName: "Alan", lastName: "Turing")

  /// Runs `body` with a dispatcher wired for the loopback fixture.
  private func withDispatcher(
    _ body: (CrawlerDispatcher) async throws -> Void
  ) async throws {
    var logger = Logger(label: "test-dispatcher")
    logger.logLevel = .critical
    try await withFetcher(fixturePolicy()) { fetcher in
      let git = GitRepositoryCrawler(allowPrivateNetwork: true, logger: logger)
      try await body(CrawlerDispatcher(fetcher: fetcher, git: git, logger: logger))
    }
  }

  @Test func feedEntriesBecomeLinksAndInlineContentIsUsed() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withDispatcher { dispatcher in
        let links = try await dispatcher.discover(base + "/feed.xml")
        #expect(links.map(\.link) == [base + "/posts/inline", base + "/posts/linked"])
        #expect(links.map(\.origin) == [base + "/feed.xml", base + "/feed.xml"])
        #expect(links.map(\.title) == ["Inline post", "Linked post"])
        #expect(links[0].inlineHTML?.contains("Full text carried by the feed itself.") == true)
        #expect(links[1].inlineHTML == nil)

        let inline = try #require(try await dispatcher.extract(links[0], author: author).first)
        #expect(inline.category == .articles)
        #expect(inline.link == base + "/posts/inline")
        #expect(inline.platform == "127.0.0.1")
        #expect(inline.text("Title") == "Inline post")
        #expect(inline.content.keys.contains("Subtitle"))
        #expect(inline.text("Subtitle") == nil)
        #expect(inline.text("Content")?.contains("Full text carried by the feed itself.") == true)

        let linked = try #require(try await dispatcher.extract(links[1], author: author).first)
        #expect(linked.text("Title") == "Post linked")
        #expect(
          linked.text("Content")?.contains("The body of post linked, fetched from the site itself.")
            == true)
      }
      // The inline entry was never fetched; the linked one was, once.
      #expect(await log.hitCount("/posts/inline") == 0)
      #expect(await log.hitCount("/posts/linked") == 1)
    }
  }

  @Test func feedsAreRecognisedByTheirBody() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        let links = try await dispatcher.discover(base + "/latest")
        #expect(links.map(\.link) == [base + "/posts/inline", base + "/posts/linked"])
        #expect(links.allSatisfy { $0.origin == base + "/latest" })
      }
    }
  }

  @Test func sitemapIndexesAreFollowedAndBrokenChildrenSkipped() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withDispatcher { dispatcher in
        let links = try await dispatcher.discover(base + "/sitemap.xml")
        #expect(
          links == [
            DiscoveredLink(link: base + "/posts/one", origin: base + "/sitemap.xml"),
            DiscoveredLink(link: base + "/posts/two", origin: base + "/sitemap.xml"),
          ])
      }
      #expect(await log.hitCount("/sitemap-gone.xml") == 1)
    }
  }

  @Test func articlePagesAreFetchedOnce() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withDispatcher { dispatcher in
        let links = try await dispatcher.discover(base + "/posts/one")
        #expect(links == [DiscoveredLink(link: base + "/posts/one", origin: base + "/posts/one")])
        let documents = try await dispatcher.extract(links[0], author: author)
        #expect(documents.count == 1)
        #expect(documents[0].text("Title") == "Post one")
        #expect(documents[0].authorFullName == "Alan Turing")
      }
      #expect(await log.hitCount("/posts/one") == 1)
    }
  }

  @Test func latin1PagesAreDecoded() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        for path in ["/latin1-header", "/latin1-meta"] {
          let item = DiscoveredLink(link: base + path, origin: base + path)
          let document = try #require(try await dispatcher.extract(item, author: author).first)
          #expect(document.text("Title") == "Café", "\(path)")
          #expect(
            document.text("Content")?.contains("A naïve text about coffee") == true, "\(path)")
        }
      }
    }
  }

  @Test func pagesWithoutContentAreErrors() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        let item = DiscoveredLink(link: base + "/empty", origin: base + "/empty")
        await #expect(throws: TwinError.notFound(kind: .content, name: "\(base)/empty", hint: "no article text on the page")) {
          try await dispatcher.extract(item, author: author)
        }
      }
    }
  }

  @Test func fetchErrorsSurfaceFromDiscovery() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withDispatcher { dispatcher in
        await #expect(throws: FetchError.httpStatus(url: base + "/missing", code: 404)) {
          try await dispatcher.discover(base + "/missing")
        }
      }
    }
  }

  @Test func localRepositoriesAreCloned() async throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let root = try GitTestRepository.make(in: temp)
    try await withDispatcher { dispatcher in
      let links = try await dispatcher.discover(root.path)
      #expect(links == [DiscoveredLink(link: root.path, origin: root.path)])
      let document = try #require(try await dispatcher.extract(links[0], author: author).first)
      #expect(document.category == .repositories)
      #expect(document.name == "demo-repo")
      #expect(document.text("src/main.py") == GitTestRepository.python)
    }
  }
}
