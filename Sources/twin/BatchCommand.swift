import ArgumentParser
import Foundation
import TwinCore
import TwinRAG

/// `twin batch`: the offline batch transform of RAG questions.
struct BatchCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "batch",
    abstract: "Answer a JSON Lines file of questions into another, resumably.",
    discussion: """
      Each input line is {"query": "...", "author"?: "...", "k"?: 3, "id"?: any} or a JSON string. \
      Each output line is {"line": N, "id", "query", "answer": {answer, sources, trace_id, ...}} \
      or {"line": N, "error": "..."}. Run it again after a crash or Ctrl-C and it goes on where \
      it stopped: lines already answered are skipped, never answered twice.
      """)

  @Option(name: .long, help: "The questions (JSON Lines).")
  var input: String

  @Option(name: .long, help: "Where answers are appended (JSON Lines).")
  var output: String

  @Option(name: .long, help: "The LLM (default: llm.model).")
  var model: String?

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    let app = try await AppContext.open(global: global)
    let (service, exporter) = try await app.ragService(model: model)
    let transform = BatchTransform(service: service)
    let quiet = app.json
    let (inputURL, outputURL) = (URL(fileURLWithPath: input), URL(fileURLWithPath: output))
    let summary = try await app.withExporter(exporter) {
      try await Interruption.run {
        try await transform.run(input: inputURL, output: outputURL) { done, total in
          if !quiet { Stderr.write("\r[\(done)/\(total)] lines done") }
        }
      }
    }
    if !quiet { Stderr.write("\n") }
    if app.json { return try Output.json(summary) }
    print(
      "\(summary.answered) answered, \(summary.failed) failed, \(summary.skipped) already done (of \(summary.total)) → \(output)")
  }
}
