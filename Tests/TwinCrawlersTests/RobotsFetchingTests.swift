import Testing
import TwinCrawlers

@Suite struct RobotsFetchingTests {
  @Test func obeysOurGroupAndFetchesRobotsOnce() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(throws: FetchError.robotsDisallowed(url: base + "/secret")) {
          try await fetcher.fetch(base + "/secret")
        }
        let open = try await fetcher.fetch(base + "/secret/open")
        #expect(open.body == Array("<p>open</p>".utf8))
        // Only `*` disallows /private, and TwinBot's own group replaces `*`.
        let notForUs = try await fetcher.fetch(base + "/private")
        #expect(notForUs.status == 200)
      }
      #expect(await log.hitCount("/robots.txt") == 1)
      #expect(await log.hitCount("/secret") == 0)
    }
  }

  @Test func concurrentFirstFetchesShareOneRobotsDownload() async throws {
    try await LoopbackFixtureServer.with { base, log in
      try await withFetcher(fixturePolicy()) { fetcher in
        try await withThrowingTaskGroup(of: Int.self) { group in
          for _ in 0..<5 { group.addTask { try await fetcher.fetch(base + "/page").status } }
          for try await status in group { #expect(status == 200) }
        }
      }
      #expect(await log.hitCount("/robots.txt") == 1)
    }
  }

  @Test func checksRobotsForEveryRedirectHop() async throws {
    // /redirect/start → /redirect/middle → /page, all allowed; a redirect into /secret is not.
    try await LoopbackFixtureServer.with(robots: .rules("User-agent: *\nDisallow: /page\n")) {
      base, log in
      try await withFetcher(fixturePolicy()) { fetcher in
        await #expect(throws: FetchError.robotsDisallowed(url: base + "/page")) {
          try await fetcher.fetch(base + "/redirect/start")
        }
      }
      #expect(await log.hitCount("/redirect/middle") == 1)
      #expect(await log.hitCount("/page") == 0)
    }
  }

  @Test func serverErrorOnRobotsDisallowsEverything() async throws {
    try await LoopbackFixtureServer.with(robots: .status(503)) { base, log in
      try await withFetcher(fixturePolicy { $0.maxRetries = 0 }) { fetcher in
        await #expect(throws: FetchError.robotsDisallowed(url: base + "/page")) {
          try await fetcher.fetch(base + "/page")
        }
      }
      #expect(await log.hitCount("/page") == 0)
    }
  }

  @Test func missingRobotsAllowsEverything() async throws {
    try await LoopbackFixtureServer.with(robots: .missing) { base, log in
      let page = try await withFetcher(fixturePolicy()) { try await $0.fetch(base + "/secret") }
      #expect(page.status == 200)
      #expect(await log.hitCount("/robots.txt") == 1)
    }
  }

  @Test func robotsCanBeIgnoredByPolicy() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let page = try await withFetcher(fixturePolicy { $0.respectsRobotsTxt = false }) {
        try await $0.fetch(base + "/secret")
      }
      #expect(page.body == Array("<p>secret</p>".utf8))
      #expect(await log.hitCount("/robots.txt") == 0)
    }
  }
}
