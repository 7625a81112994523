import Foundation
import TwinCore

/// Crawls a user's links into the warehouse: discover, skip what is stored, extract, upsert.
///
/// Every discovered link ends as stored, skipped or failed; one bad page never stops the others.
/// Each link's documents are written in their own transaction, so an interruption keeps every
/// link finished so far and nothing half-written.
public struct LinkCrawler: Sendable {
  public var warehouse: any DataWarehouse
  public var source: any DocumentSource
  /// Links processed at once. The fetcher applies its own per-host limits beneath this.
  public var concurrency: Int
  public var refresh: Bool

  public init(warehouse: any DataWarehouse, source: any DocumentSource, concurrency: Int, refresh: Bool) {
    self.warehouse = warehouse
    self.source = source
    self.concurrency = max(1, concurrency)
    self.refresh = refresh
  }

  public func crawl(links: [String], author: User, progress: any ProgressReporter) async throws -> CrawlReport {
    var outcomes: [LinkOutcome] = []
    var items: [DiscoveredLink] = []
    var seen: Set<String> = []
    for (index, link) in links.enumerated() {
      try Task.checkCancellation()
      progress.update(task: "discovering", completed: index, total: links.count, detail: link)
      do {
        for item in try await source.discover(link) where seen.insert(item.link).inserted {
          items.append(item)
        }
      } catch is CancellationError {
        throw CancellationError()
      } catch {
        outcomes.append(LinkOutcome(link: link, origin: link, status: .failed, reason: "\(error)"))
        progress.note("failed: \(link): \(error)")
      }
    }

    let total = items.count
    var done = 0
    try await withThrowingTaskGroup(of: LinkOutcome.self) { group in
      var pending = items[...]
      func startNext() {
        guard let item = pending.popFirst() else { return }
        group.addTask { try await self.process(item, author: author) }
      }
      for _ in 0..<min(concurrency, pending.count) { startNext() }
      while let outcome = try await group.next() {
        outcomes.append(outcome)
        done += 1
        progress.update(task: "crawling", completed: done, total: total, detail: outcome.link)
        if outcome.status == .failed { progress.note("failed: \(outcome.link): \(outcome.reason ?? "")") }
        startNext()
      }
    }
    return CrawlReport(outcomes: outcomes)
  }

  func process(_ item: DiscoveredLink, author: User) async throws -> LinkOutcome {
    do {
      if !refresh, try await warehouse.document(link: item.link) != nil {
        return LinkOutcome(
          link: item.link, origin: item.origin, status: .skipped, reason: "already in the warehouse")
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
