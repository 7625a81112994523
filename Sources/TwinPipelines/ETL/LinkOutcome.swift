import Foundation
import TwinCore

/// How one crawled link ended.
public struct LinkOutcome: Sendable, Codable, Hashable {
  public enum Status: String, Sendable, Codable {
    /// Extracted and written to the warehouse (inserted, updated or unchanged).
    case stored
    /// Already in the warehouse and `--refresh` was not given.
    case skipped
    case failed
  }

  /// The reason of a link skipped because the warehouse has it (`--refresh` crawls it again).
  public static let alreadyStored = "already in the warehouse"

  public var link: String
  /// The link from the config that led here (a feed or sitemap, or the link itself).
  public var origin: String
  public var status: Status
  public var reason: String?
  public var documents: Int

  /// The links are kept without any user name or password they carried.
  public init(link: String, origin: String, status: Status, reason: String? = nil, documents: Int = 0) {
    self.link = CredentialRedaction.redact(link)
    self.origin = CredentialRedaction.redact(origin)
    self.status = status
    self.reason = reason
    self.documents = documents
  }

  /// The domain the Handbook groups crawl statistics by: the link's host, or `local` for paths.
  public var domain: String {
    if let host = URL(string: link)?.host, !host.isEmpty { return host }
    return "local"
  }
}

/// Per-domain crawl statistics, as the Handbook logs them: `{successful, total}`.
///
/// A link skipped because it is already stored counts as successful, as in the Handbook, whose
/// crawlers return early without error for known links.
public struct DomainTally: Sendable, Codable, Hashable {
  public var successful: Int
  public var total: Int

  public init(successful: Int, total: Int) {
    self.successful = successful
    self.total = total
  }
}

/// The output of the crawl step.
public struct CrawlReport: Sendable, Codable, Hashable {
  public var outcomes: [LinkOutcome]

  public init(outcomes: [LinkOutcome]) {
    self.outcomes = outcomes.sorted { ($0.origin, $0.link) < ($1.origin, $1.link) }
  }

  public var perDomain: [String: DomainTally] {
    var tallies: [String: DomainTally] = [:]
    for outcome in outcomes {
      var tally = tallies[outcome.domain] ?? DomainTally(successful: 0, total: 0)
      tally.total += 1
      if outcome.status != .failed { tally.successful += 1 }
      tallies[outcome.domain] = tally
    }
    return tallies
  }

  public func count(_ status: LinkOutcome.Status) -> Int {
    outcomes.filter { $0.status == status }.count
  }
}
