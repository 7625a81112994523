import Foundation
import Logging
import TwinConfig
import TwinCore
import TwinCrawlers

extension AppContext {
  /// The crawlers, built from `crawl.*` and `git.*`; `politeDelay` false drops the per-host
  /// delay (the quickstart's own loopback site). Call ``Crawling/shutdown()`` when done.
  func crawling(politeDelay: Bool = true) -> Crawling {
    var settings = settings
    if !politeDelay { settings.crawl.perHostDelayMilliseconds = 0 }
    return Crawling(settings: settings, logger: logger)
  }
}

/// The crawlers: the one place where settings meet the HTTP adapter.
struct Crawling {
  let fetcher: HTTPFetcher
  let dispatcher: CrawlerDispatcher

  fileprivate init(settings: Settings, logger: Logger) {
    var policy = FetchPolicy()
    policy.userAgent = settings.crawl.userAgent
    policy.respectsRobotsTxt = settings.crawl.respectRobots
    // crawl.timeout_seconds is the wall clock of one fetch, body and retries included; the
    // silence allowed between bytes is never longer than that.
    policy.totalTimeout = .milliseconds(Int(settings.crawl.timeoutSeconds * 1000))
    policy.readTimeout = min(policy.readTimeout, policy.totalTimeout)
    policy.maxBodyBytes = settings.crawl.maxBodyBytes
    policy.maxRedirects = settings.crawl.maxRedirects
    policy.maxRetries = settings.crawl.maxRetries
    policy.perHostConcurrency = settings.crawl.perHostConcurrency
    policy.perHostMinimumDelay = .milliseconds(settings.crawl.perHostDelayMilliseconds)
    policy.globalConcurrency = settings.crawl.globalConcurrency
    policy.allowPrivateNetwork = settings.allowPrivateNetwork
    fetcher = HTTPFetcher(policy: policy, logger: logger)
    var git = GitRepositoryCrawler()
    git.maxFileBytes = settings.git.maxFileBytes
    git.timeout = .milliseconds(Int(settings.git.timeoutSeconds * 1000))
    git.allowPrivateNetwork = settings.allowPrivateNetwork
    dispatcher = CrawlerDispatcher(fetcher: fetcher, git: git, logger: logger)
  }

  func shutdown() {
    try? fetcher.syncShutdown()
  }
}
