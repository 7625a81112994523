import ArgumentParser
import Foundation
import TwinCore
import TwinOrchestrator
import TwinPipelines
import TwinSQLite

/// `twin features`: the feature pipeline.
struct FeaturesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "features",
    abstract: "Clean, chunk and embed warehouse documents into the feature store.",
    discussion: """
      Reads raw documents from the data warehouse, cleans them, cuts them into chunks that fit \
      the embedding model's window (token-aware), embeds the chunks and loads them into the \
      feature store: cleaned_{articles,posts,repositories} (cleaned text) and \
      embedded_{articles,posts,repositories} (chunks with vectors, searched by `twin search`).

      Only new or changed documents are processed; chunks of changed or deleted documents are \
      removed. --full drops the collections and rebuilds everything. Chunk sizes, overlaps, the \
      embedding model and HNSW parameters come from the features.* settings.

      The feature store remembers the warehouse it was built from. If twin.sqlite was replaced \
      or lost, or a run would delete the features of most documents at once, the run stops and \
      says why: the store may hold the only copy left. --allow-mass-delete lets such deletions \
      through; --full rebuilds the store from the warehouse as it is. --rebuild-store moves a \
      broken store aside (vectors.broken-<time>) and builds a new one.

      Every run is recorded: see `twin runs list`.
      """)

  @Option(name: .long, help: "Only this author's documents (repeatable). Default: everyone.")
  var author: [String] = []

  @Flag(name: .long, help: "Drop the feature collections and rebuild them from the warehouse.")
  var full = false

  @Flag(name: .long, help: "Let this run delete the features of most documents at once.")
  var allowMassDelete = false

  @Flag(name: .long, help: "Move the feature store aside (it cannot be opened?) and build a new one.")
  var rebuildStore = false

  @Flag(name: .long, help: "Do not reuse cached step outputs.")
  var noCache = false

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    var app = try await AppContext.open(global: global)
    if rebuildStore {
      if let aside = try Workspace.moveFeatureStoreAside(root: app.workspace.root) {
        Stderr.write("moved the old feature store to \(aside.path)\n")
      }
      // Reopened so the store is a new, empty one.
      app = try await AppContext.open(global: global)
    }
    let result = try await FeaturesRun.execute(
      app: app, authors: author, full: full || rebuildStore, noCache: noCache, allowMassDelete: allowMassDelete)
    try FeaturesRun.report(result, app: app)
    if result.run.status != .succeeded { throw ExitCode.failure }
  }
}

/// Running and reporting the feature pipeline; shared with `twin quickstart`.
enum FeaturesRun {
  static func execute(
    app: AppContext, authors: [String], full: Bool, noCache: Bool, allowMassDelete: Bool = false
  ) async throws -> RunResult {
    try await app.workspace.bindFeatureStore(rebuilding: full)
    let embedder = try app.embedder()
    let users = try await app.authors(authors)
    let pipeline = try FeaturePipeline.pipeline(
      warehouse: app.workspace.warehouse, store: app.workspace.vectors, embedder: embedder, authors: users,
      settings: app.featureSettings, full: full, allowMassDelete: allowMassDelete)
    let runner = app.runner()
    let result = try await Interruption.run { try await runner.run(pipeline, noCache: noCache) }
    app.finishProgress()
    return result
  }

  static func loadReport(_ result: RunResult) -> FeatureLoadReport? {
    try? result.output(FeaturePipeline.loadReport)
  }

  static func report(_ result: RunResult, app: AppContext) throws {
    let load = loadReport(result)
    if app.json {
      try Output.json(Summary(run: result.run, steps: result.steps, load: load))
      return
    }
    print(RunText.headline(result.run))
    guard let load else {
      if let error = result.run.error { print("error: \(error)") }
      return
    }
    print(
      "documents: \(load.documentsWritten) written, \(load.unchanged) unchanged, \(load.documentsDeleted) deleted; chunks: \(load.chunksWritten) written, \(load.chunksRemoved) removed"
    )
    Output.table(
      ["category", "cleaned documents", "embedded chunks"],
      DocumentCategory.allCases.map { c in
        [c.rawValue, String(load.cleanedTotals[c.rawValue] ?? 0), String(load.chunkTotals[c.rawValue] ?? 0)]
      })
  }

  struct Summary: Encodable {
    var run: PipelineRun
    var steps: [StepRun]
    var load: FeatureLoadReport?
  }
}
