import Logging
import TwinCrawlers

/// A policy for the loopback fixture: private addresses allowed, no politeness delays, quick
/// retries and timeouts, so the suite runs in seconds.
func fixturePolicy(_ adjust: (inout FetchPolicy) -> Void = { _ in }) -> FetchPolicy {
  var policy = FetchPolicy()
  policy.allowPrivateNetwork = true
  policy.perHostMinimumDelay = .zero
  policy.retryBaseDelay = .milliseconds(10)
  policy.retryMaxDelay = .milliseconds(40)
  policy.maxRetries = 2
  // A loaded CI host (model tests on both cores) once starved a 100 ms fixture past 5 s, and
  // a fresh clone's first 100 s of the suite (every suite starting at once) past 60 s.
  policy.readTimeout = .seconds(120)
  // Generous: the clock includes waiting for a connection slot, and the full suite runs model
  // tests beside these on two cores. Tests of timeouts set their own.
  policy.totalTimeout = .seconds(240)
  adjust(&policy)
  return policy
}

/// Runs `body` with a fetcher, shutting it down afterwards whatever happens.
@discardableResult
func withFetcher<T: Sendable>(
  _ policy: FetchPolicy, _ body: (HTTPFetcher) async throws -> T
) async throws -> T {
  var logger = Logger(label: "test-fetcher")
  logger.logLevel = .critical
  let fetcher = HTTPFetcher(policy: policy, logger: logger)
  do {
    let result = try await body(fetcher)
    try await fetcher.shutdown()
    return result
  } catch {
    try await fetcher.shutdown()
    throw error
  }
}
