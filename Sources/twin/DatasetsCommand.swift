import ArgumentParser
import Foundation
import TwinCore
import TwinDatasets
import TwinOrchestrator
import TwinConfig
import TwinSQLite

/// `twin datasets`: instruction and preference datasets, versioned in the workspace.
struct DatasetsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "datasets",
    abstract: "Generate, inspect, export and import instruction and preference datasets.",
    discussion: """
      A dataset is versioned: instruct@1, instruct@2, … (NAME@latest or NAME alone is the newest). \
      `generate` builds one from the feature store's cleaned documents with an LLM; \
      `from-feedback` turns corrected answers into preference pairs; `import` reads files. \
      Every version records where it came from (`show`).
      """,
    subcommands: [Generate.self, List.self, Show.self, Export.self, Import.self, FromFeedback.self])

  struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Build an instruct or preference dataset from the cleaned documents with an LLM.",
      discussion: """
        The generate_datasets pipeline: query_feature_store → create_prompts (extracts of \
        datasets.extract_min_chars–extract_max_chars, cut on paragraphs and sentences) → generate \
        (many prompts in flight, JSON-schema output, failed prompts retried then recorded) → \
        post_process (the Handbook's filters, grounding in the extract, exact and near-duplicate \
        removal) → split (train/test per category, an extract's samples on one side) → \
        save_dataset.

        --strategy backtranslate (the default): the LLM writes only the instruction each \
        extract answers; the answer is the author's own passage, so the twin learns the real \
        voice. For preference data, rejected is the base model's own answer (--base-model, \
        default llm.model). --strategy generate is the Handbook's way: the LLM writes 5 samples \
        per extract.

        The teacher is --model, else datasets.teacher, else qwen2.5-coder-1.5b-instruct when \
        pulled, else llm.model. With llm.backend openai every call goes to that server. A re-run \
        with nothing changed reuses every step and stores no new version.
        """)

    @Argument(help: "instruct or preference.")
    var kind: DatasetKind

    @Option(name: .long, help: "backtranslate (the author's passages as answers) or generate (the Handbook's).")
    var strategy: DatasetStrategy = .backtranslate

    @Option(name: .long, help: "The dataset's name (default: the kind).")
    var name: String?

    @Option(name: .long, help: "Only this author's documents (repeatable). Default: everyone.")
    var author: [String] = []

    @Option(name: .long, help: "Only this category: articles, posts or repositories (repeatable).")
    var category: [DocumentCategory] = []

    @Option(name: .long, help: "The teacher model (a catalog name, a .gguf path, or the server's model).")
    var model: String?

    @Option(name: .long, help: "Preference data: the model whose own answers are rejected (default: llm.model).")
    var baseModel: String?

    @Option(name: .long, help: "At most this many extracts, taken in turn from each document.")
    var maxExtracts: Int?

    @Option(name: .long, help: "The share of each category held out for test (default: datasets.test_split).")
    var testSplit: Double?

    @Option(name: .long, help: "The seed of the split and of sampled retries.")
    var seed: UInt64?

    @Option(name: .long, help: "Prompts in flight at once (default: datasets.concurrency).")
    var concurrency: Int?

    @Flag(name: .long, help: "Do not reuse cached step outputs.")
    var noCache = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let result = try await DatasetsRun.generate(
        app: app, kind: kind, strategy: strategy, name: name, authors: author, categories: category, model: model,
        baseModel: baseModel, maxExtracts: maxExtracts, testSplit: testSplit, seed: seed, concurrency: concurrency,
        noCache: noCache)
      try DatasetsRun.report(result, app: app)
      if result.run.status != .succeeded { throw ExitCode.failure }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List dataset versions, newest first.")

    @Option(name: .long, help: "Only this dataset's versions.")
    var name: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let versions = try await app.workspace.datasets.versions(name: name)
      if app.json { return try Output.json(versions) }
      guard !versions.isEmpty else {
        print("no datasets yet: `twin datasets generate instruct` makes one")
        return
      }
      Output.table(
        ["dataset", "kind", "train", "test", "created", "source"],
        versions.map { v in
          [
            v.label, v.kind.rawValue, String(v.counts[.train]?.values.reduce(0, +) ?? 0),
            String(v.counts[.test]?.values.reduce(0, +) ?? 0), Output.timestamp(v.createdAt), DatasetsRun.source(v),
          ]
        })
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Show a dataset version: counts, lineage and samples.")

    @Argument(help: "NAME@VERSION, NAME@latest or NAME.")
    var dataset: String

    @Option(name: .long, help: "How many samples to print.")
    var samples = 3

    @Option(name: .long, help: "Only samples of this split: train or test.")
    var split: DatasetSplit?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let store = app.workspace.datasets
      let version = try await store.version(try DatasetReference(parsing: dataset))
      let shown = try await store.samples(of: version, split: split, limit: max(0, samples))
      if app.json { return try Output.json(Shown(version: version, samples: shown)) }
      print("\(version.label) (\(version.kind)), \(version.sampleCount) samples, made \(Output.timestamp(version.createdAt))")
      if let run = version.runID { print("run: \(RunText.shortID(run)) (twin runs show \(run.uuidString.lowercased()))") }
      Output.table(
        ["category", "train", "test"],
        DocumentCategory.allCases.compactMap { c in
          let (train, test) = (version.counts[.train]?[c] ?? 0, version.counts[.test]?[c] ?? 0)
          return train + test == 0 ? nil : [c.rawValue, String(train), String(test)]
        })
      if case .object(let lineage) = version.lineage, !lineage.isEmpty {
        print("\nlineage:")
        for key in lineage.keys.sorted() where key != "settings" {
          print("  \(key): \(lineage[key]!.canonicalJSON)")
        }
      }
      for (i, sample) in shown.enumerated() {
        print("\n[\(i + 1)] \(sample.split) · \(sample.category.rawValue)")
        print("instruction: \(sample.instruction)")
        print("\(version.kind == .preference ? "chosen" : "answer"): \(DatasetsRun.clip(sample.answer))")
        if let rejected = sample.rejected { print("rejected: \(DatasetsRun.clip(rejected))") }
      }
    }

    struct Shown: Encodable {
      var version: DatasetVersion
      var samples: [DatasetSample]
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a dataset version as files: JSON Lines per split, or the Handbook's artifact JSON.",
      discussion: """
        --format jsonl writes train.jsonl and test.jsonl (Hugging Face datasets load them), with \
        the Handbook's columns: instruction and output, or prompt, rejected and chosen; plus \
        category. --format handbook writes instruct_datasets.json or preference_datasets.json, \
        train and test per category, as the Handbook's pipeline exports them.
        """)

    @Argument(help: "NAME@VERSION, NAME@latest or NAME.")
    var dataset: String

    @Option(name: .long, help: "jsonl or handbook.")
    var format: DatasetFileFormat = .jsonl

    @Option(name: .long, help: "The directory to write into (made if missing).")
    var dir: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let store = app.workspace.datasets
      let version = try await store.version(try DatasetReference(parsing: dataset))
      let samples = try await store.samples(of: version, split: nil, limit: nil)
      let files = try DatasetExchange.encode(
        samples, kind: version.kind, format: format, label: version.label, testFraction: DatasetsRun.testFraction(version))
      let directory = URL(fileURLWithPath: dir, isDirectory: true)
      try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      for name in files.keys.sorted() {
        try AtomicFile.write(files[name]!, to: directory.appendingPathComponent(name))
      }
      if app.json { return try Output.json(["dataset": version.label, "files": files.keys.sorted().joined(separator: ",")]) }
      print("\(version.label): \(samples.count) samples → \(files.keys.sorted().map { directory.appendingPathComponent($0).path }.joined(separator: ", "))")
    }
  }

  struct Import: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Store a dataset read from files as a new version.",
      discussion: """
        Reads a directory with train.jsonl (and test.jsonl), a directory with the Handbook's \
        instruct_datasets.json or preference_datasets.json, or one such file. The kind follows \
        from the columns. Importing the same samples again stores no new version.
        """)

    @Argument(help: "A directory or file written by `twin datasets export` (or by the Handbook).")
    var path: String

    @Option(name: .long, help: "The dataset's name (default: the kind).")
    var name: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let imported = try DatasetExchange.read(URL(fileURLWithPath: path))
      let (version, created) = try await app.workspace.datasets.save(
        NewDataset(
          name: name ?? imported.kind.rawValue, kind: imported.kind, samples: imported.samples,
          lineage: .object([
            "source": .string("import"), "format": .string(imported.format.rawValue),
            "files": .array(imported.files.map(JSONValue.string)),
          ])))
      if app.json { return try Output.json(version) }
      print(
        created
          ? "imported \(imported.samples.count) \(imported.kind) samples as \(version.label)"
          : "\(version.label) already holds these \(imported.samples.count) samples; nothing stored")
    }
  }

  struct FromFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "from-feedback",
      abstract: "Turn corrected answers from /feedback into preference pairs.",
      discussion: """
        Each feedback entry with a corrected answer becomes a pair: the correction is chosen, \
        the traced answer rejected, and the prompt is what the model was asked (from the trace). \
        Feedback already used by any dataset is skipped, so running this again only adds new \
        feedback. Pairs go into a new version of the dataset (all in train).
        """)

    @Option(name: .long, help: "The preference dataset's name.")
    var name = "feedback"

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let traces = app.workspace.traces
      let feedback = try await traces.correctedFeedback()
      let used = try await app.workspace.datasets.usedFeedbackIDs()
      let (samples, skipped) = try await FeedbackPairs.pairs(feedback: feedback, used: used) { try await traces.trace(id: $0) }
      for line in skipped { Stderr.write("skipped \(line)\n") }
      guard !samples.isEmpty else {
        if app.json { return try Output.json(["pairs": 0]) }
        print("no new corrected feedback (\(feedback.count) corrections in all, \(used.count) already used)")
        return
      }
      let (version, _) = try await app.workspace.datasets.save(
        NewDataset(
          name: name, kind: .preference, samples: samples,
          lineage: .object([
            "source": .string("feedback"),
            "feedback_ids": .array(samples.compactMap(\.source.feedbackID).map { .int(Int($0)) }),
          ])))
      if app.json { return try Output.json(version) }
      print("\(samples.count) preference pairs from feedback stored as \(version.label)")
    }
  }
}

extension DatasetKind: ExpressibleByArgument {}
extension DatasetStrategy: ExpressibleByArgument {}
extension DatasetSplit: ExpressibleByArgument {}
extension DatasetFileFormat: ExpressibleByArgument {}

/// Running and reporting the dataset pipeline; shared with `twin quickstart`.
enum DatasetsRun {
  static func generate(
    app: AppContext, kind: DatasetKind, strategy: DatasetStrategy = .backtranslate, name: String? = nil,
    authors: [String] = [], categories: [DocumentCategory] = [], model: String? = nil, baseModel: String? = nil,
    maxExtracts: Int? = nil, testSplit: Double? = nil, seed: UInt64? = nil, concurrency: Int? = nil,
    noCache: Bool = false
  ) async throws -> RunResult {
    var settings = app.settings.datasets
    if let testSplit { settings.split.testFraction = testSplit }
    if let seed {
      settings.split.seed = seed
      settings.generation.seed = seed
    }
    if let concurrency { settings.generation.concurrency = concurrency }
    try settings.validate()
    let (teacherName, warning) = app.datasetTeacherName(model)
    if let warning { app.progress.note("warning: \(warning)") }
    let usesBase = kind == .preference && strategy == .backtranslate
    let (teacher, base) = try await app.datasetModels(teacher: teacherName, base: usesBase ? baseModel : teacherName)
    try await app.ensureModel(app.settings.features.embeddingModel)
    let embedder = try app.embedder()
    let request = DatasetPipeline.Request(
      kind: kind, strategy: strategy, name: name, authors: try await app.authors(authors),
      categories: categories.isEmpty ? nil : categories, maxExtracts: maxExtracts, settings: settings)
    let pipeline = try DatasetPipeline.pipeline(
      request: request, store: app.workspace.vectors, datasets: app.workspace.datasets, teacher: teacher, base: base,
      embedder: embedder)
    let runner = app.runner()
    let result = try await Interruption.run { try await runner.run(pipeline, noCache: noCache) }
    app.finishProgress()
    return result
  }

  static func report(_ result: RunResult, app: AppContext) throws {
    let saved = try? result.output(DatasetPipeline.saved)
    let generated = try? result.output(DatasetPipeline.generated)
    if app.json {
      try Output.json(Summary(run: result.run, steps: result.steps, dataset: saved, failures: generated?.failures ?? []))
      return
    }
    print(RunText.headline(result.run))
    guard let saved else {
      if let error = result.run.error { print("error: \(error)") }
      return
    }
    let cached = result.steps.filter { $0.status == .cached }.count
    print(
      saved.created
        ? "stored \(saved.label)" : "\(saved.label) already holds these samples (\(cached) steps reused); nothing stored")
    Output.table(
      ["category", "train", "test"],
      DocumentCategory.allCases.compactMap { c in
        let (train, test) = (saved.counts[.train]?[c] ?? 0, saved.counts[.test]?[c] ?? 0)
        return train + test == 0 ? nil : [c.rawValue, String(train), String(test)]
      })
    print("failed prompts: \(saved.failures); removed: \(DatasetPipeline.describe(saved.removed))")
    if let generated, let step = result.steps.first(where: { $0.name == DatasetPipeline.generated.step }),
      step.status == .succeeded, let seconds = step.duration, seconds > 0
    {
      print(
        String(
          format: "generation: %d samples in %@ (%.2f samples/s, %.1f tokens/s)", generated.count,
          Output.duration(seconds), Double(generated.count) / seconds, Double(generated.completionTokens) / seconds))
    }
    print("next: twin datasets show \(saved.label)   twin datasets export \(saved.label) --dir out/")
  }

  struct Summary: Encodable {
    var run: PipelineRun
    var steps: [StepRun]
    var dataset: SavedDataset?
    var failures: [FailedPrompt]
  }

  /// Where a version came from, in a word or two.
  static func source(_ version: DatasetVersion) -> String {
    guard case .object(let lineage) = version.lineage else { return "-" }
    if case .string(let teacher)? = lineage["teacher"] { return "generated by \(teacher)" }
    if case .string(let source)? = lineage["source"] { return source }
    return "-"
  }

  /// The test share a version was split with (its settings), or the share it has.
  static func testFraction(_ version: DatasetVersion) -> Double {
    if case .object(let lineage) = version.lineage, case .object(let settings)? = lineage["settings"],
      case .object(let split)? = settings["split"]
    {
      if case .double(let f)? = split["testFraction"] { return f }
      if case .int(let f)? = split["testFraction"] { return Double(f) }
    }
    let test = version.counts[.test]?.values.reduce(0, +) ?? 0
    return version.sampleCount == 0 ? 0 : Double(test) / Double(version.sampleCount)
  }

  static func clip(_ text: String, to limit: Int = 400) -> String {
    text.count > limit ? String(text.prefix(limit)) + "…" : text
  }
}
