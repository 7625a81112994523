import Testing
import TwinCrawlers

@Suite struct FetcherPolitenessTests {
  private func fetchConcurrently(_ fetcher: HTTPFetcher, _ url: String, times: Int) async throws {
    try await withThrowingTaskGroup(of: Void.self) { group in
      for _ in 0..<times { group.addTask { _ = try await fetcher.fetch(url) } }
      try await group.waitForAll()
    }
  }

  @Test func limitsConcurrentRequestsPerHost() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let policy = fixturePolicy {
        $0.respectsRobotsTxt = false
        $0.perHostConcurrency = 2
      }
      try await withFetcher(policy) {
        try await fetchConcurrently($0, base + "/concurrent", times: 6)
      }
      #expect(await log.hitCount("/concurrent") == 6)
      #expect(await log.maxInFlight == 2)
    }
  }

  @Test func limitsConcurrentRequestsGlobally() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let policy = fixturePolicy {
        $0.respectsRobotsTxt = false
        $0.perHostConcurrency = 4
        $0.globalConcurrency = 1
      }
      try await withFetcher(policy) {
        try await fetchConcurrently($0, base + "/concurrent", times: 3)
      }
      #expect(await log.maxInFlight == 1)
    }
  }

  @Test func spacesRequestsToAHost() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let policy = fixturePolicy {
        $0.respectsRobotsTxt = false
        $0.perHostMinimumDelay = .milliseconds(150)
      }
      let started = ContinuousClock.now
      try await withFetcher(policy) { fetcher in
        for _ in 0..<4 { _ = try await fetcher.fetch(base + "/page") }
      }
      // The fourth request cannot start before three delays have passed; without the delay the
      // four fetches take a few milliseconds. (Server-side arrival gaps would also include
      // scheduling noise on a busy machine, so the bound is taken on the client.)
      #expect(ContinuousClock.now - started >= .milliseconds(450))
      #expect(await log.hitCount("/page") == 4)
    }
  }
}
