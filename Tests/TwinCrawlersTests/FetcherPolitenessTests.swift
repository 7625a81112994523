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
      try await withFetcher(policy) { try await fetchConcurrently($0, base + "/concurrent", times: 6) }
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
      try await withFetcher(policy) { try await fetchConcurrently($0, base + "/concurrent", times: 3) }
      #expect(await log.maxInFlight == 1)
    }
  }

  @Test func spacesRequestsToAHost() async throws {
    try await LoopbackFixtureServer.with { base, log in
      let policy = fixturePolicy {
        $0.respectsRobotsTxt = false
        $0.perHostMinimumDelay = .milliseconds(150)
      }
      try await withFetcher(policy) { fetcher in
        // The first request opens the connection; measured requests then all reuse it, so
        // their arrival times reflect the fetcher's spacing rather than connection set-up.
        _ = try await fetcher.fetch(base + "/secret/open")
        for _ in 0..<3 { _ = try await fetcher.fetch(base + "/page") }
      }
      let arrivals = try #require(await log.arrivals["/page"])
      #expect(arrivals.count == 3)
      for (earlier, later) in zip(arrivals, arrivals.dropFirst()) {
        // A little slack for scheduling; without the delay the gaps are a few milliseconds.
        #expect(later - earlier >= .milliseconds(130))
      }
    }
  }
}
