import ArgumentParser
import Foundation
import TwinCore
import TwinOrchestrator
import TwinSQLite

/// `twin runs`: what the orchestrator recorded.
struct RunsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "runs",
    abstract: "List pipeline runs and show their steps, artifacts and lineage.",
    subcommands: [List.self, Show.self], defaultSubcommand: List.self)

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List recent runs, newest first.")

    @Option(name: .long, help: "How many runs to show.")
    var limit = 20

    @Option(name: .long, help: "Only runs of this pipeline (e.g. digital_data_etl).")
    var pipeline: String?

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let runs = try await app.workspace.runs.runs(limit: max(1, limit), pipeline: pipeline)
      if app.json { return try Output.json(runs) }
      if runs.isEmpty { return print("no runs yet: try `twin quickstart` or `twin etl`") }
      Output.table(
        ["run", "pipeline", "status", "started", "duration"],
        runs.map {
          [
            RunText.shortID($0.id), $0.pipeline, $0.status.rawValue, Output.timestamp($0.startedAt),
            Output.duration($0.duration),
          ]
        })
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one run: parameters, each step's status, duration, error, output artifact and inputs.")

    @Argument(help: "The run id, or a unique prefix of it (as `twin runs list` prints).")
    var run: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let store = app.workspace.runs
      let matches = try await store.runs(idPrefix: run)
      guard let record = matches.first else { throw ValidationError("no run matches '\(run)'") }
      guard matches.count == 1 else {
        throw ValidationError("'\(run)' matches \(matches.count) runs; give more of the id")
      }
      var details: [StepDetail] = []
      for step in try await store.steps(runID: record.id) {
        let output = try await step.outputArtifactID.asyncMap { try await store.artifact(id: $0) } ?? nil
        details.append(StepDetail(step: step, output: output, consumed: try await store.consumed(stepRunID: step.id)))
      }
      if app.json { return try Output.json(RunDetail(run: record, steps: details)) }
      print("run        \(record.id.uuidString.lowercased())")
      print("pipeline   \(record.pipeline)")
      print("status     \(record.status.rawValue)")
      print("started    \(Output.timestamp(record.startedAt))")
      print("ended      \(Output.timestamp(record.endedAt))  (\(Output.duration(record.duration)))")
      print("parameters \(record.parameters.canonicalJSON)")
      if let error = record.error { print("error      \(error)") }
      print("\nsteps:")
      for d in details {
        print("  \(d.step.name)  \(d.step.status.rawValue)  \(Output.duration(d.step.duration))  code v\(d.step.codeVersion)")
        if let error = d.step.error { print("    error: \(error)") }
        for input in d.consumed { print("    input:  \(describe(input))") }
        if let output = d.output {
          print("    output: \(describe(output))")
          for (key, value) in output.metadata.sorted(by: { $0.key < $1.key }) {
            print("      \(key): \(value.canonicalJSON)")
          }
        }
      }
    }

    func describe(_ a: Artifact) -> String {
      "\(a.name) v\(a.version) sha256:\(a.sha256.prefix(12)) \(a.size) bytes (from run \(RunText.shortID(a.producerRunID)))"
    }
  }

  struct StepDetail: Encodable {
    var step: StepRun
    var output: Artifact?
    var consumed: [Artifact]
  }

  struct RunDetail: Encodable {
    var run: PipelineRun
    var steps: [StepDetail]
  }
}

extension Optional {
  func asyncMap<U>(_ transform: (Wrapped) async throws -> U) async rethrows -> U? {
    guard let self else { return nil }
    return try await transform(self)
  }
}
