import Foundation
import TwinCore

/// Crawls a user's links into the warehouse: discover, skip what is stored, extract, upsert.
///
/// Every link ends as stored, skipped or failed with a reason; one bad page never stops the
/// others. Discovery and extraction run side by side in one bounded pool (the fetcher adds its
/// per-host politeness beneath it), and each link's documents are written in their own
/// transaction as soon as they are extracted. So a slow or hostile link holds only its own slot,
/// and an interrupted crawl keeps every link finished so far, with nothing half-written.
public struct LinkCrawler: Sendable {
  public var warehouse: any DataWarehouse
  public var source: any DocumentSource
  /// Links processed at once, discoveries and extractions together.
  public var concurrency: Int
  public var refresh: Bool

  public init(warehouse: any DataWarehouse, source: any DocumentSource, concurrency: Int, refresh: Bool) {
    self.warehouse = warehouse
    self.source = source
    self.concurrency = max(1, concurrency)
    self.refresh = refresh
  }

  /// What discovering one of the user's links gave.
  private enum Discovery: Sendable {
    /// The link is an article already in the warehouse: nothing was fetched.
    case alreadyStored
    case links([DiscoveredLink])
  }

  /// What one unit of work produced.
  private enum Finished: Sendable {
    case discovered(link: String, Result<Discovery, any Error>)
    case processed(LinkOutcome)
  }

  public func crawl(links: [String], author: User, progress: any ProgressReporter) async throws -> CrawlReport {
    var outcomes: [LinkOutcome] = []
    var pendingLinks = links[...]
    var pendingItems: [DiscoveredLink] = []
    var seen: Set<String> = []
    var discovering = 0
    // At most half the slots discover, so pages already found keep being stored while a big
    // sitemap or a slow feed is still being read.
    let discoverySlots = max(1, concurrency / 2)

    func record(_ outcome: LinkOutcome) {
      outcomes.append(outcome)
      if outcome.status == .failed { progress.note("failed: \(outcome.link): \(outcome.reason ?? "")") }
      let known = outcomes.count + pendingItems.count + pendingLinks.count + discovering
      progress.update(task: "crawling", completed: outcomes.count, total: max(known, 1), detail: outcome.link)
    }

    try await withThrowingTaskGroup(of: Finished.self) { group in
      var running = 0
      func startNext() {
        while running < concurrency {
          if discovering < discoverySlots, let link = pendingLinks.popFirst() {
            discovering += 1
            group.addTask { .discovered(link: link, await self.discover(link)) }
          } else if !pendingItems.isEmpty {
            let item = pendingItems.removeFirst()
            group.addTask { .processed(try await self.process(item, author: author)) }
          } else {
            return
          }
          running += 1
        }
      }
      startNext()
      while let finished = try await group.next() {
        running -= 1
        switch finished {
        case .processed(let outcome):
          record(outcome)
        case .discovered(let link, .failure(let error)):
          discovering -= 1
          if error is CancellationError { throw error }
          // One outcome per link: a listing may name the same link, and it is not tried twice.
          if seen.insert(link).inserted {
            record(LinkOutcome(link: link, origin: link, status: .failed, reason: "\(error)"))
          }
        case .discovered(let link, .success(.alreadyStored)):
          discovering -= 1
          // A feed may list the same link: one outcome per link.
          if seen.insert(link).inserted {
            record(LinkOutcome(link: link, origin: link, status: .skipped, reason: LinkOutcome.alreadyStored))
          }
        case .discovered(let link, .success(.links(let items))):
          discovering -= 1
          if items.isEmpty {
            // A feed or sitemap that lists nothing (empty, malformed, or only pointing back at
            // itself) still ends with a reason rather than vanishing from the report.
            record(
              LinkOutcome(
                link: link, origin: link, status: .failed,
                reason: "nothing to crawl: the feed or sitemap lists no links"))
          } else {
            pendingItems += items.filter { seen.insert($0.link).inserted }
          }
        }
        startNext()
      }
    }
    return CrawlReport(outcomes: outcomes)
  }

  /// Expands one of the user's links. A link already stored (an article page) is skipped
  /// here, before anything is downloaded, unless `refresh` is set.
  private func discover(_ link: String) async -> Result<Discovery, any Error> {
    do {
      if !refresh, try await warehouse.document(link: CredentialRedaction.redact(link)) != nil {
        return .success(.alreadyStored)
      }
      return .success(.links(try await source.discover(link)))
    } catch {
      return .failure(error)
    }
  }

  func process(_ item: DiscoveredLink, author: User) async throws -> LinkOutcome {
    do {
      if !refresh, try await warehouse.document(link: CredentialRedaction.redact(item.link)) != nil {
        return LinkOutcome(
          link: item.link, origin: item.origin, status: .skipped, reason: LinkOutcome.alreadyStored)
      }
      let documents = try await source.extract(item, author: author)
      guard !documents.isEmpty else {
        return LinkOutcome(link: item.link, origin: item.origin, status: .failed, reason: "no document found")
      }
      try Task.checkCancellation()
      try await warehouse.upsert(documents)
      return LinkOutcome(link: item.link, origin: item.origin, status: .stored, documents: documents.count)
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      return LinkOutcome(link: item.link, origin: item.origin, status: .failed, reason: "\(error)")
    }
  }
}
