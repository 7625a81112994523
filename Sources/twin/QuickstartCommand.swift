import ArgumentParser
import Foundation
import Subprocess
import TwinConfig
import TwinCore
import TwinOrchestrator
import TwinPipelines
import TwinSampleSite

/// `twin quickstart`: the whole system on a bundled sample, with no network and no setup.
struct QuickstartCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quickstart",
    abstract: "Crawl a bundled sample site and this project's own repository into the workspace.",
    discussion: """
      Serves a small sample site (three authors' articles, an RSS feed, an Atom feed and a
      sitemap) on 127.0.0.1, runs the digital-data ETL pipeline for each author, crawls the git
      repository in the current directory (if any), and prints what the warehouse now holds.
      Running it again is safe: links already stored are skipped.
      """)

  @Option(name: .long, help: "The loopback port for the sample site; fixed so re-runs see the same links.")
  var port = 18808

  @Flag(name: .long, help: "Skip crawling the git repository in the current directory.")
  var noRepository = false

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    // The sample site is on loopback, which the SSRF guard refuses unless told otherwise.
    let app = try await AppContext.open(global: global, allowPrivateNetwork: true)
    var settings = app.settings
    settings.crawl.perHostDelayMilliseconds = 0  // our own server; no politeness delay needed
    let crawling = try CrawlerWiring(settings: settings, logger: app.logger)
    defer { crawling.shutdown() }

    let server: SampleSiteServer
    do {
      server = try await SampleSiteServer.start(host: "127.0.0.1", port: port)
    } catch {
      throw ValidationError("cannot serve the sample site on 127.0.0.1:\(port) (\(error)); try --port")
    }
    let manifest = try SampleSite.manifest()
    say("sample site: \(server.baseURL)  workspace: \(app.workspace.root.path)")

    var jobs = try manifest.authors.map { author in
      try ETLConfig(userFullName: author.name, links: author.links.map { server.baseURL + $0 })
    }
    if !noRepository, let repository = await Self.gitRoot() {
      jobs.append(try ETLConfig(userFullName: "Twin Developers", links: [repository]))
    }

    var results: [RunResult] = []
    do {
      for job in jobs {
        say("\ncrawling \(job.userFullName): \(job.links.count) link(s)")
        let result = try await ETLRun.execute(job, app: app, source: crawling.dispatcher, refresh: false, noCache: false)
        if !app.json { try ETLRun.report(result, app: app) }
        results.append(result)
      }
    } catch {
      await server.stop()
      throw error
    }
    await server.stop()

    let warehouse = app.workspace.warehouse
    var totals: [String: [String: Int]] = [:]
    for user in try await warehouse.users() {
      for kind in DocumentCategory.allCases {
        let n = try await warehouse.count(category: kind, authorID: user.id)
        if n > 0 { totals[user.fullName, default: [:]][kind.rawValue] = n }
      }
    }
    if app.json {
      try Output.json(QuickstartSummary(runs: results.map(\.run), warehouse: totals))
    } else {
      print("\nthe warehouse now holds:")
      Output.table(
        ["author", "articles", "posts", "repositories"],
        totals.keys.sorted().map { name in
          [name] + ["articles", "posts", "repositories"].map { "\(totals[name]?[$0] ?? 0)" }
        })
      print(
        """

        next:
          twin documents                 list what was stored
          twin runs list                 the recorded pipeline runs (twin runs show <run>)
          twin export --dir export/      the warehouse in the Handbook's JSON format
          twin etl --author "Your Name" https://your.blog/feed.xml
        """)
    }
    if !results.allSatisfy(ETLRun.succeeded) { throw ExitCode.failure }
  }

  private func say(_ line: String) {
    if !global.json { print(line) }
  }

  /// The top of the git work tree containing the current directory, if any.
  static func gitRoot() async -> String? {
    let result = try? await Subprocess.run(
      .name("git"), arguments: ["rev-parse", "--show-toplevel"], output: .string(limit: 4096),
      error: .discarded)
    guard let result, result.terminationStatus.isSuccess else { return nil }
    let path = result.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
    return path.isEmpty ? nil : path
  }

  struct QuickstartSummary: Encodable {
    var runs: [PipelineRun]
    var warehouse: [String: [String: Int]]
  }
}
