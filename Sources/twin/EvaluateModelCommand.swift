import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinEvaluation
import TwinSQLite

extension EvaluateCommand {
  /// `twin evaluate model`: the Handbook's model evaluation, and judge-free metrics.
  struct Model: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Evaluate models on a dataset's test split: a judge's accuracy and style, and judge-free metrics.",
      discussion: """
        Example: twin evaluate model --models smollm2-135m-instruct,twin-sft@1 --dataset instruct@latest

        Each model answers every test instruction (many in flight, through the engine or \
        llm.backend's server). Each answer is scored without a judge: embedding similarity to \
        the author's answer, ROUGE-L, style match (nearer its author's centroid than other \
        authors'), and the perplexity of the author's answer under the model (local models). \
        With --judge (or evaluation.judge), a judge model scores accuracy and style 1–3 with the \
        Handbook's criteria under a JSON schema; a malformed verdict is asked again, then counted.

        Prints each metric's mean ± its 95 % interval per model. The run is an experiment run \
        (`twin experiments show`), and each model's results are attached to its registry \
        version, where `twin registry promote` compares them.
        """)

    @Option(name: .long, help: "Models, comma-separated: catalog models and trained models (NAME@VERSION, NAME@ALIAS).")
    var models: String
    @Option(name: .long, help: "The instruct dataset whose test split is asked (NAME@VERSION or NAME@latest).")
    var dataset = "instruct@latest"
    @Option(name: .long, help: "The judge model (default: evaluation.judge; none: judge-free metrics only).")
    var judge: String?
    @Option(name: .long, help: "Ask at most this many test instructions.")
    var limit: Int?
    @Option(name: .long, help: "Tokens an answer may take.")
    var maxTokens = 256
    @Option(name: .long, help: "Requests in flight at once per model.")
    var concurrency = 8
    @OptionGroup var global: GlobalOptions

    func validate() throws {
      if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
      guard (1...4096).contains(maxTokens) else { throw ValidationError("--max-tokens must be between 1 and 4096") }
      guard (1...256).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 256") }
      guard !names.isEmpty else { throw ValidationError("--models names no model") }
    }

    var names: [String] {
      models.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let version = try await app.workspace.datasets.version(try DatasetReference(parsing: dataset))
      guard version.kind == .instruct else {
        throw ValidationError("--dataset: \(version.label) is a \(version.kind) dataset; the evaluation asks an instruct dataset's test split")
      }
      let cases = try await app.evaluationCases(version, limit: limit)
      let judgeName = judge ?? (app.settings.evaluationJudge.isEmpty ? nil : app.settings.evaluationJudge)
      var judgeModel: Judge?
      if let judgeName { judgeModel = Judge(llm: try await app.languageModel(judgeName)) }
      let evaluation = ModelEvaluation(
        embedder: try app.embedder(), judge: judgeModel, concurrency: concurrency, maxTokens: maxTokens)
      let recorder = EvaluationRecorder(
        tracker: try app.experimentTracker(), registry: try app.modelRegistry(), blobs: app.workspace.blobs)
      let parameters: JSONValue = [
        "models": .array(names.map { .string($0) }), "dataset": .string(version.label), "judge": judgeName.map { .string($0) } ?? .null,
        "questions": .int(cases.count), "max_tokens": .int(maxTokens), "backend": .string(app.settings.llm.backend),
      ]
      let names = self.names
      let (run, results) = try await Interruption.run {
        try await recorder.run(
          models: names, candidate: { try await app.candidateModel($0, maxLength: 2048) }, cases: cases,
          dataset: version.label, evaluation: evaluation, parameters: parameters, progress: app.progress)
      }
      app.finishProgress()
      if app.json { return try Output.json(Report(run: run, dataset: version.label, results: results)) }
      print("\(cases.count) questions from \(version.label)'s test split\(judgeName.map { ", judged by \($0)" } ?? ", no judge")")
      let metrics = EvaluationMetric.allCases.filter { m in results.contains { $0.summaries[m] != nil } }
      Output.table(
        ["model"] + metrics.map { "\($0)\($0.higherIsBetter ? " ↑" : " ↓")" },
        results.map { r in [r.model] + metrics.map { r.summaries[$0]?.formatted() ?? "-" } })
      for r in results where r.generationFailures + r.judgeFailures > 0 {
        print("\(r.model): \(r.generationFailures) unanswered, \(r.judgeFailures) without a valid verdict")
      }
      print("experiment run \(RunText.shortID(run)): twin experiments show \(RunText.shortID(run))")
    }

    struct Report: Encodable {
      var run: UUID
      var dataset: String
      var results: [ModelEvaluationResult]
    }
  }
}
