import Testing
import TwinCrawlers

@Suite struct SSRFGuardTests {
  @Test func defaultPolicyRefusesLoopbackBeforeConnecting() async throws {
    try await LoopbackFixtureServer.with { base, log in
      var policy = FetchPolicy()
      policy.perHostMinimumDelay = .zero
      try await withFetcher(policy) { fetcher in
        await #expect(
          throws: FetchError.privateAddressBlocked(
            url: base + "/page", address: "127.0.0.1", range: .loopback)
        ) {
          try await fetcher.fetch(base + "/page")
        }
      }
      #expect(await log.hitCount("/robots.txt") == 0)
      #expect(await log.hitCount("/page") == 0)
    }
  }

  @Test func hostNamesAndOddSpellingsAreResolvedBeforeJudging() async throws {
    try await withFetcher(FetchPolicy()) { fetcher in
      for url in [
        "http://localhost:9/", "http://2130706433:9/", "http://0x7f.1:9/", "http://[::1]:9/",
      ] {
        do {
          _ = try await fetcher.fetch(url)
          Issue.record("fetching \(url) should have been refused")
        } catch let error as FetchError {
          guard case .privateAddressBlocked(_, _, let range) = error else {
            Issue.record("unexpected error for \(url): \(error)")
            continue
          }
          #expect(range == .loopback)
          #expect(error.url == url)
        }
      }
    }
  }

  @Test func allowPrivateNetworkOptsOut() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      let page = try await withFetcher(fixturePolicy()) { try await $0.fetch(base + "/page") }
      #expect(page.status == 200)
    }
  }

  @Test func messageNamesURLAddressAndRange() {
    let error = FetchError.privateAddressBlocked(
      url: "http://internal.example/", address: "10.0.0.5", range: .privateNetwork)
    #expect(
      error.description
        == "refusing to fetch http://internal.example/: it resolves to 10.0.0.5, in the private "
        + "network range (set allowPrivateNetwork to crawl local or private hosts)")
  }
}
