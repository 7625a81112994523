import Foundation
import TwinCore
import TwinOrchestrator

/// The digital-data ETL pipeline: get-or-create the user, then crawl their links.
///
/// Both steps touch the outside world (the warehouse, the web), so neither is cached: a re-run
/// crawls again, and links already stored are skipped by the crawler unless `refresh` is set.
public enum DigitalDataETL {
  public static let name = "digital_data_etl"

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
          name: "crawl_links", codeVersion: "1", dependsOn: ["get_or_create_user"],
          parameters: parameters, cache: .disabled, outputName: "crawled_links"
        ) { context in
          let user = try context.input("get_or_create_user", as: User.self)
          let crawler = LinkCrawler(
            warehouse: warehouse, source: source, concurrency: concurrency, refresh: refresh)
          let report = try await crawler.crawl(links: links, author: user, progress: context.progress)
          return try StepOutput(report, metadata: metadata(report))
        },
      ])
  }

  /// Shared first step of every pipeline that attributes documents to a person.
  public static func getOrCreateUser(fullName: String, warehouse: any DataWarehouse) -> Step {
    Step(
      name: "get_or_create_user", codeVersion: "1",
      parameters: .object(["user_full_name": .string(fullName)]), cache: .disabled, outputName: "user"
    ) { _ in
      let user = try await warehouse.getOrCreateUser(fullName: fullName)
      return try StepOutput(
        user,
        metadata: ["user_id": .string(user.id.uuidString), "user_full_name": .string(user.fullName)])
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
