import Foundation
import TwinCore
import TwinOrchestrator

/// The digital-data ETL pipeline: get-or-create the user, then crawl their links.
///
/// Both steps touch the outside world (the warehouse, the web), so neither is cached: a re-run
/// crawls again, and links already stored are skipped by the crawler unless `refresh` is set.
public enum DigitalDataETL {
  public static let name = "digital_data_etl"
  /// The person the documents are attributed to.
  public static let user = ArtifactKey<User>(step: "get_or_create_user")
  /// Per link: stored, skipped or failed, and why; per domain: successes of total.
  public static let crawlReport = ArtifactKey<CrawlReport>(step: "crawl_links")

  public static func pipeline(
    userFullName: String, links: [String], warehouse: any DataWarehouse, source: any DocumentSource,
    concurrency: Int, refresh: Bool
  ) throws -> Pipeline {
    let parameters = JSONValue.object([
      "user_full_name": .string(userFullName),
      // Stored with the run and shown by `twin runs show`: never with the credentials.
      "links": .array(links.map { .string(CredentialRedaction.redact($0)) }),
      "refresh": .bool(refresh),
    ])
    return try Pipeline(
      name: name, parameters: parameters,
      steps: [
        getOrCreateUser(fullName: userFullName, warehouse: warehouse),
        Step(
          crawlReport, codeVersion: "1", dependsOn: [user.step], parameters: parameters, cache: .disabled,
          outputName: "crawled_links"
        ) { context in
          let crawler = LinkCrawler(
            warehouse: warehouse, source: source, concurrency: concurrency, refresh: refresh)
          let report = try await crawler.crawl(links: links, author: try context.input(Self.user), progress: context.progress)
          return (report, try metadata(report))
        },
      ])
  }

  /// Shared first step of every pipeline that attributes documents to a person.
  public static func getOrCreateUser(fullName: String, warehouse: any DataWarehouse) -> Step {
    Step(
      user, codeVersion: "1", parameters: .object(["user_full_name": .string(fullName)]), cache: .disabled,
      outputName: "user"
    ) { _ in
      let user = try await warehouse.getOrCreateUser(fullName: fullName)
      return (user, ["user_id": .string(user.id.uuidString), "user_full_name": .string(user.fullName)])
    }
  }

  static func metadata(_ report: CrawlReport) throws -> [String: JSONValue] {
    [
      "domains": try JSONValue.from(report.perDomain),
      "stored": .int(report.count(.stored)),
      "skipped": .int(report.count(.skipped)),
      "failed": .int(report.count(.failed)),
      "total": .int(report.outcomes.count),
    ]
  }
}
