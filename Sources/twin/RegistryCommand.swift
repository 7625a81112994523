import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinSQLite

/// `twin registry`: the trained models' versions, their lineage, evaluations and aliases.
struct RegistryCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "registry",
    abstract: "The model registry: trained model versions, their lineage and evaluations, and aliases.",
    discussion: """
      Every `twin train` registers a version (twin-sft@1, twin-sft@2, …) with its lineage: the \
      base model, the adapter files, the dataset version, the training run and its evaluations. \
      Aliases such as `staging` and `production` point at one version and move between them; \
      `NAME@ALIAS` names a model wherever a model is named (twin generate, chat, rag, serve \
      llm, llm.model). With tracking.mlflow_uri set, versions and aliases are mirrored to \
      MLflow's registry.
      """,
    subcommands: [List.self, Show.self, Alias.self, Promote.self, Remove.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List model versions, newest first, with their aliases.")

    @Argument(help: "Only this model's versions.")
    var name: String?
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let versions = try await app.workspace.models.versions(name: name)
      let aliases = try await app.workspace.models.aliases(of: name)
      if app.json { return try Output.json(Listing(versions: versions, aliases: aliases)) }
      guard !versions.isEmpty else {
        print(name.map { "no version of \($0)" } ?? "no trained model yet: `twin train sft --dataset instruct@latest` trains one")
        return
      }
      let byVersion = Dictionary(grouping: aliases, by: \.target)
      Output.table(
        ["model", "aliases", "method", "base", "dataset", "created"],
        versions.map { v in
          [
            v.label, byVersion[v.label]?.map(\.alias).sorted().joined(separator: ",") ?? "", v.method.rawValue,
            v.baseModel + (v.parent.map { " + \($0)" } ?? ""), v.dataset, Output.timestamp(v.createdAt),
          ]
        })
    }

    struct Listing: Encodable {
      var versions: [ModelVersion]
      var aliases: [ModelAlias]
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a version's lineage, files, aliases and evaluations.",
      discussion: "Example: twin registry show twin-sft@production")

    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS.")
    var model: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let registry = app.workspace.models
      let version = try await registry.version(try ModelReference(parsing: model, of: "model"))
      let aliases = try await registry.aliases(of: version.name).filter { $0.version == version.version }
      let evaluations = try await registry.evaluations(of: version.label)
      if app.json { return try Output.json(Details(version: version, aliases: aliases.map(\.alias), evaluations: evaluations)) }
      print("\(version.label)\(aliases.isEmpty ? "" : "  (" + aliases.map(\.alias).joined(separator: ", ") + ")")")
      print("  method     \(version.method)")
      print("  base       \(version.baseModel)\(version.parent.map { " + \($0)" } ?? "")")
      print("  dataset    \(version.dataset)")
      print("  run        \(version.runID.map(RunText.shortID) ?? "-")  (twin experiments show, twin runs show)")
      print("  created    \(Output.timestamp(version.createdAt))")
      print("  adapter    \(version.files.ggufAdapter.prefix(16))… (GGUF), \(version.files.peftWeights.prefix(16))… (peft)")
      print("  training   \(ModelsCommand.Trained.effect(version))")
      guard !evaluations.isEmpty else {
        print("  no evaluation yet: twin evaluate model --models \(version.label) --dataset \(version.dataset)")
        return
      }
      print("evaluations:")
      for e in evaluations {
        let metrics = EvaluationMetric.allCases.compactMap { m in e.metrics[m].map { "\(m) \($0.formatted())" } }
        print("  \(Output.timestamp(e.createdAt))  \(e.dataset)  run \(RunText.shortID(e.runID))")
        print("    " + metrics.joined(separator: " · "))
      }
    }

    struct Details: Encodable {
      var version: ModelVersion
      var aliases: [String]
      var evaluations: [ModelEvaluationRecord]
    }
  }

  struct Alias: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Point an alias at a version (it moves from where it pointed), or remove it.",
      discussion: """
        Examples: twin registry alias twin-sft@3 staging
                  twin registry alias twin-sft staging --remove
        `production` is usually set by `twin registry promote`, which checks the evaluations \
        first; setting it here skips that gate.
        """)

    @Argument(help: "NAME@VERSION (NAME alone: the latest version).")
    var model: String
    @Argument(help: "The alias: a letter, then letters, digits, '-' or '_' (not `latest`).")
    var alias: String
    @Flag(name: .long, help: "Remove the alias instead.")
    var remove = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let registry = try app.modelRegistry()
      let reference = try ModelReference(parsing: model, of: "model")
      if remove {
        let removed = try await registry.removeAlias(alias, of: reference.name)
        print(removed ? "removed \(reference.name)@\(alias)" : "\(reference.name) has no alias '\(alias)'")
        if !removed { throw ExitCode.failure }
        return
      }
      let (set, previous) = try await registry.setAlias(alias, to: reference)
      if app.json { return try Output.json(set) }
      print(
        "\(set.name)@\(set.alias) → \(set.target)"
          + (previous.map { $0 == set.version ? " (unchanged)" : " (was \(set.name)@\($0))" } ?? ""))
    }
  }

  struct Promote: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Move `production` to a version if its evaluation beats production's.",
      discussion: """
        The gate compares registry.promotion_metric (default perplexity) on the newest dataset \
        both versions were evaluated on (`twin evaluate model --models NEW,OLD --dataset …`): \
        the candidate must be better by more than registry.promotion_margin (relative; 0.02 is \
        2 %). A refusal prints both numbers; --force promotes anyway. When nothing is in \
        production yet, any evaluated version is promoted.
        """)

    @Argument(help: "NAME@VERSION, the candidate.")
    var model: String
    @Flag(name: .long, help: "Promote even when the gate refuses.")
    var force = false
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let registry = try app.modelRegistry()
      let candidate = try await registry.version(try ModelReference(parsing: model, of: "model"))
      let alias = PromotionPolicy.productionAlias
      let incumbent = try await registry.aliases(of: candidate.name).first { $0.alias == alias }
      if incumbent?.version == candidate.version {
        print("\(candidate.label) is already \(candidate.name)@\(alias)")
        return
      }
      let incumbentEvaluations = if let incumbent { try await registry.evaluations(of: incumbent.target) } else { [ModelEvaluationRecord]() }
      let decision = app.settings.promotionPolicy.decide(
        candidate: candidate.label, evaluations: try await registry.evaluations(of: candidate.label),
        incumbent: incumbent?.target, evaluations: incumbentEvaluations)
      if app.json && !(decision.allowed || force) {
        try Output.json(decision)
        throw ExitCode.failure
      }
      guard decision.allowed || force else {
        print("refused: \(decision.reason)")
        print("(--force promotes anyway)")
        throw ExitCode.failure
      }
      _ = try await registry.setAlias(alias, to: ModelReference(name: candidate.name, version: candidate.version))
      if app.json { return try Output.json(decision) }
      print("\(decision.allowed ? "promoted" : "forced") \(candidate.label) to \(candidate.name)@\(alias): \(decision.reason)")
    }
  }

  struct Remove: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Remove a version from the registry (refused while an alias points at it).")

    @Argument(help: "NAME@VERSION.")
    var model: String
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let reference = try ModelReference(parsing: model, of: "model")
      guard reference.version != nil else {
        throw ValidationError("give the version to remove (NAME@VERSION): '\(model)' could mean any of them")
      }
      let removed = try await app.modelRegistry().remove(reference)
      print("removed \(removed.label)")
    }
  }
}
