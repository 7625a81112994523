import Foundation
import Testing
import TwinCrawlers

@Suite struct FetcherTests {
  @Test func fetchesAMessyPageExactly() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      let page = try await withFetcher(fixturePolicy()) { try await $0.fetch(base + "/page") }
      #expect(page.url == base + "/page")
      #expect(page.status == 200)
      #expect(page.mimeType == "text/html")
      #expect(page.charset == "utf-8")
      #expect(page.body == Array(LoopbackFixtureServer.messyHTML.utf8))
    }
  }

  @Test func reportsTheCharsetFromTheHeaderOnly() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withFetcher(fixturePolicy()) { fetcher in
        let header = try await fetcher.fetch(base + "/latin1-header")
        #expect(header.charset == "iso-8859-1")
        #expect(header.body == LoopbackFixtureServer.latin1Page(metaCharset: false))
        let meta = try await fetcher.fetch(base + "/latin1-meta")
        #expect(meta.mimeType == "text/html")
        #expect(meta.charset == nil)
        #expect(meta.body == LoopbackFixtureServer.latin1Page(metaCharset: true))
      }
    }
  }

  @Test func followsARedirectChainWithRelativeLocations() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let page = try await withFetcher(fixturePolicy()) {
        try await $0.fetch(base + "/redirect/start")
      }
      #expect(page.url == base + "/page")
      #expect(page.body == Array(LoopbackFixtureServer.messyHTML.utf8))
      #expect(await log.hitCount("/redirect/middle") == 1)
    }
  }

  @Test func detectsRedirectLoopsAndLongChains() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(throws: FetchError.redirectLoop(url: base + "/loop/a")) {
          try await fetcher.fetch(base + "/loop/a")
        }
        await #expect(throws: FetchError.tooManyRedirects(url: base + "/chain/5", limit: 5)) {
          try await fetcher.fetch(base + "/chain/0")
        }
      }
    }
  }

  @Test func clientErrorsFailWithoutRetryingAndServerErrorsAreRetried() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(throws: FetchError.httpStatus(url: base + "/missing", code: 404)) {
          try await fetcher.fetch(base + "/missing")
        }
        await #expect(throws: FetchError.httpStatus(url: base + "/broken", code: 500)) {
          try await fetcher.fetch(base + "/broken")
        }
      }
      #expect(await log.hitCount("/missing") == 1)
      // A plain 500 is retried like the other 5xx, as the README promises (2 retries here).
      #expect(await log.hitCount("/broken") == 3)
    }
  }

  @Test func retriesA503AndSucceeds() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let page = try await withFetcher(fixturePolicy()) { try await $0.fetch(base + "/flaky") }
      #expect(page.body == Array("<p>recovered</p>".utf8))
      #expect(await log.hitCount("/flaky") == 2)
    }
  }

  @Test func givesUpAfterTheRetryBudget() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withFetcher(fixturePolicy { $0.maxRetries = 2 }) { fetcher in
        await #expect(throws: FetchError.httpStatus(url: base + "/always-busy", code: 503)) {
          try await fetcher.fetch(base + "/always-busy")
        }
      }
      #expect(await log.hitCount("/always-busy") == 3)
    }
  }

  @Test func doesNotWaitOutALongRetryAfter() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(throws: FetchError.httpStatus(url: base + "/busy-for-an-hour", code: 429)) {
          try await fetcher.fetch(base + "/busy-for-an-hour")
        }
      }
      // One request and no retry: a Retry-After beyond `maxRetryAfter` gets no retry, and the
      // fetcher only ever waits before a retry. (No clock is read: on a loaded two-core CI host
      // this loopback exchange alone once took 26 s.)
      #expect(await log.hitCount("/busy-for-an-hour") == 1)
    }
  }

  @Test func timesOutOnASlowPage() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      // robots.txt off: on a loaded machine its fetch could be the one to time out.
      try await withFetcher(fixturePolicy { $0.readTimeout = .milliseconds(300); $0.respectsRobotsTxt = false }) {
        fetcher in
        // The page answers after 60 s, and the whole-fetch deadline is minutes, so a timeout
        // can only be the read timeout's. (No clock is read: on a loaded two-core host the
        // suite's start once delayed this test's tasks by 100 s.)
        await #expect(throws: FetchError.timeout(url: base + "/slow")) {
          try await fetcher.fetch(base + "/slow")
        }
      }
    }
  }

  @Test func totalDeadlineCoversTheWholeFetch() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withFetcher(fixturePolicy { $0.totalTimeout = .milliseconds(300); $0.respectsRobotsTxt = false }) {
        fetcher in
        await #expect(throws: FetchError.timeout(url: base + "/slow")) {
          try await fetcher.fetch(base + "/slow")
        }
      }
    }
  }

  @Test func abortsOversizedBodiesAtTheLimit() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withFetcher(fixturePolicy { $0.maxBodyBytes = 100_000 }) { fetcher in
        await #expect(throws: FetchError.bodyTooLarge(url: base + "/huge", limit: 100_000)) {
          try await fetcher.fetch(base + "/huge")
        }
        await #expect(throws: FetchError.bodyTooLarge(url: base + "/huge-declared", limit: 100_000))
        {
          try await fetcher.fetch(base + "/huge-declared")
        }
        // The connection pool recovers: the next fetch works.
        let page = try await fetcher.fetch(base + "/page")
        #expect(page.status == 200)
      }
    }
  }

  @Test func refusesUnwantedContentTypes() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(
          throws: FetchError.unsupportedContentType(url: base + "/image.png", mimeType: "image/png")
        ) {
          try await fetcher.fetch(base + "/image.png")
        }
        await #expect(
          throws: FetchError.unsupportedContentType(
            url: base + "/feed.xml", mimeType: "application/rss+xml")
        ) {
          try await fetcher.fetch(base + "/feed.xml", accept: .html)
        }
        let feed = try await fetcher.fetch(base + "/feed.xml", accept: .xml)
        #expect(feed.mimeType == "application/rss+xml")
      }
    }
  }

  @Test func rejectsBadURLsAndSchemes() async throws {
    try await withFetcher(fixturePolicy()) { fetcher in
      await #expect(throws: FetchError.unsupportedScheme(url: "ftp://example.com/x", scheme: "ftp"))
      {
        try await fetcher.fetch("ftp://example.com/x")
      }
      await #expect(throws: FetchError.unsupportedScheme(url: "ftp://example.com/x", scheme: "ftp"))
      {
        try await fetcher.fetch("ftp://user:secret@example.com/x")
      }
      await #expect(throws: FetchError.invalidURL("not a url")) {
        try await fetcher.fetch("not a url")
      }
      await #expect(throws: FetchError.invalidURL("http:///path-only")) {
        try await fetcher.fetch("http:///path-only")
      }
    }
  }

  @Test func errorMessagesNameTheURLWithoutCredentials() {
    let error = FetchError.unsupportedScheme(url: "ftp://example.com/x", scheme: "ftp")
    #expect(
      error.description
        == "unsupported scheme \"ftp\" in ftp://example.com/x: only http and https can be fetched")
    #expect(
      FetchError.timeout(url: "https://a.example/").description
        == "timed out fetching https://a.example/")
  }
}
