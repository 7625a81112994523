import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinOrchestrator
import TwinPipelines
import TwinSQLite

/// `twin etl`: the digital-data ETL pipeline.
struct ETLCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "etl",
    abstract: "Crawl a person's articles, feeds and repositories into the data warehouse.",
    discussion: """
      Give either a config file in the Handbook's layout (configs/digital_data_etl_<author>.yaml: \
      parameters.user_full_name and parameters.links) or --author with links.

      A link may be an article on any site, a Medium profile or Substack (crawled through their \
      feeds), any RSS/Atom feed (every entry), a sitemap, a git repository URL, or a local \
      repository path. Links already in the warehouse are skipped unless --refresh.

      Every run is recorded: see `twin runs list`. Exit status: 0 when the run succeeded and at \
      least one link was stored or skipped, 1 otherwise.
      """)

  @Option(name: .long, help: "An ETL config file (YAML).")
  var config: String?

  @Option(name: .long, help: "The author's full name (with links as arguments).")
  var author: String?

  @Argument(help: "Links to crawl (with --author).")
  var links: [String] = []

  @Flag(name: .long, help: "Crawl links again even when they are already in the warehouse.")
  var refresh = false

  @Flag(name: .long, help: "Do not reuse cached step outputs.")
  var noCache = false

  @Flag(
    name: .long,
    help: "Allow loopback, private and link-local addresses (also TWIN_ALLOW_PRIVATE_NETWORK=1).")
  var allowPrivateNetwork = false

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    switch (config, author) {
    case (nil, nil): throw ValidationError("give --config FILE, or --author NAME with links")
    case (.some, .some): throw ValidationError("give either --config or --author, not both")
    case (nil, .some) where links.isEmpty: throw ValidationError("--author needs at least one link")
    case (.some, nil) where !links.isEmpty: throw ValidationError("links come from the config file; drop the arguments")
    default: break
    }
  }

  func run() async throws {
    let job: ETLConfig =
      if let config { try ETLConfig.load(path: config) } else { try ETLConfig(userFullName: author ?? "", links: links) }
    let app = try await AppContext.open(global: global, allowPrivateNetwork: allowPrivateNetwork)
    let crawling = app.crawling()
    defer { crawling.shutdown() }
    let result = try await ETLRun.execute(
      job, app: app, source: crawling.dispatcher, refresh: refresh, noCache: noCache)
    try ETLRun.report(result, app: app)
    if !ETLRun.succeeded(result) { throw ExitCode.failure }
  }
}

/// Running and reporting an ETL job; shared by `twin etl` and `twin quickstart`.
enum ETLRun {
  static func execute(
    _ job: ETLConfig, app: AppContext, source: any DocumentSource, refresh: Bool, noCache: Bool
  ) async throws -> RunResult {
    let pipeline = try DigitalDataETL.pipeline(
      userFullName: job.userFullName, links: job.links, warehouse: app.workspace.warehouse, source: source,
      concurrency: app.settings.crawl.globalConcurrency, refresh: refresh)
    let runner = app.runner()
    let result = try await Interruption.run { try await runner.run(pipeline, noCache: noCache) }
    app.finishProgress()
    return result
  }

  static func report(_ result: RunResult) throws -> CrawlReport? {
    try result.output(DigitalDataETL.crawlReport)
  }

  static func succeeded(_ result: RunResult) -> Bool {
    guard result.run.status == .succeeded, let report = try? report(result) else { return false }
    return report.outcomes.contains { $0.status != .failed }
  }

  static func report(_ result: RunResult, app: AppContext) throws {
    let crawl = try report(result)
    if app.json {
      try Output.json(ETLSummary(run: result.run, steps: result.steps, crawl: crawl))
      return
    }
    print(RunText.headline(result.run))
    guard let crawl else {
      if let error = result.run.error { print("error: \(error)") }
      return
    }
    print(
      "links: \(crawl.count(.stored)) stored, \(crawl.count(.skipped)) skipped, \(crawl.count(.failed)) failed (of \(crawl.outcomes.count))"
    )
    let domains = crawl.perDomain.sorted { $0.key < $1.key }
    Output.table(
      ["domain", "successful/total"], domains.map { [$0.key, "\($0.value.successful)/\($0.value.total)"] })
    let failures = crawl.outcomes.filter { $0.status == .failed }
    if !failures.isEmpty {
      print("failed:")
      for f in failures { print("  \(f.link)\n    \(f.reason ?? "unknown error")") }
    }
  }

  struct ETLSummary: Encodable {
    var run: PipelineRun
    var steps: [StepRun]
    var crawl: CrawlReport?
  }
}
