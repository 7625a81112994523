import Foundation
import TwinCore
import TwinOrchestrator

/// Runs a model evaluation as an experiment run and attaches its results to the registry.
///
/// The run (experiment `evaluation`) holds the parameters, each model's metric means
/// (`perplexity/twin-sft@2`, …) and, as the artifact `answers.json`, every answer with its
/// scores and verdict. Each model's means go to the registry as a ``ModelEvaluationRecord``,
/// which `twin registry show` lists and `twin registry promote` compares. Models are loaded
/// and evaluated one at a time, so only one is in memory.
public struct EvaluationRecorder: Sendable {
  public let tracker: any ExperimentTracker
  public let registry: any ModelRegistry
  public let blobs: ArtifactBlobStore

  /// The experiment runs' experiment.
  public static let experiment = ExperimentName.evaluation

  public init(tracker: any ExperimentTracker, registry: any ModelRegistry, blobs: ArtifactBlobStore) {
    self.tracker = tracker
    self.registry = registry
    self.blobs = blobs
  }

  /// Evaluates each of `models` (made by `candidate` when its turn comes) on `cases` of
  /// `dataset`; returns the run's id and the results, in order.
  public func run(
    models: [String], candidate: (String) async throws -> CandidateModel, cases: [EvaluationCase], dataset: String,
    evaluation: ModelEvaluation, parameters: JSONValue, progress: any ProgressReporter
  ) async throws -> (run: UUID, results: [ModelEvaluationResult]) {
    try await tracked(
      Self.experiment, name: "\(models.joined(separator: ", ")) on \(dataset)", parameters: parameters,
      inputs: [dataset] + models
    ) { id in
      var results: [ModelEvaluationResult] = []
      for name in models {
        let model = try await candidate(name)
        guard let result = try await evaluation.run([model], cases: cases, progress: progress).first else { continue }
        results.append(result)
        try await tracker.log(
          EvaluationMetric.allCases.compactMap { metric in
            result.summaries[metric].map { MetricPoint(key: MetricKey.evaluation(metric, model: result.model), step: 0, value: $0.mean) }
          }, run: id)
        try await registry.record(
          ModelEvaluationRecord(model: result.model, dataset: dataset, runID: id, metrics: result.summaries, createdAt: Date()))
      }
      return (results, try JSONEncoder().encode(Answers(cases: cases, results: results)))
    }
  }

  /// The experiment RAG evaluations are runs of.
  public static let ragExperiment = ExperimentName.ragEvaluation

  /// Runs `evaluation` on `questions` through `answer` (the RAG path of `model`) as an
  /// experiment run whose metrics are the means and whose `answers.json` holds every question.
  public func run(
    rag evaluation: RAGEvaluation, questions: [RAGQuestion], source: String, model: String,
    answer: @escaping @Sendable (String) async throws -> RAGOutcome, parameters: JSONValue, progress: any ProgressReporter
  ) async throws -> (run: UUID, result: RAGEvaluationResult) {
    try await tracked(Self.ragExperiment, name: "rag of \(model) on \(source)", parameters: parameters, inputs: [model]) { id in
      let result = await evaluation.run(questions, answer: answer, progress: progress)
      try Task.checkCancellation()
      try await tracker.log(
        RAGMetric.allCases.compactMap { m in result.summaries[m].map { MetricPoint(key: m.rawValue, step: 0, value: $0.mean) } },
        run: id)
      return (result, try JSONEncoder().encode(result))
    }
  }

  /// Starts a run, does `body`, attaches the `answers.json` it returns and finishes the run:
  /// failed, or interrupted when cancelled, if `body` throws.
  func tracked<Result>(
    _ experiment: String, name: String, parameters: JSONValue, inputs: [String],
    body: (UUID) async throws -> (Result, Data)
  ) async throws -> (UUID, Result) {
    let id = UUID()
    try await tracker.start(
      ExperimentRun(id: id, experiment: experiment, name: name, parameters: parameters, inputs: inputs, pipelineRunID: nil))
    do {
      let (result, answers) = try await body(id)
      let blob = try blobs.put(answers)
      try await tracker.attach(RunArtifact(path: "answers.json", blob: blob, bytes: answers.count), file: blobs.location(of: blob), run: id)
      try await tracker.finish(id, status: .finished)
      return (id, result)
    } catch {
      try? await tracker.finish(id, status: error is CancellationError ? .interrupted : .failed)
      throw error
    }
  }

  /// The `answers.json` artifact.
  struct Answers: Encodable {
    var cases: [EvaluationCase]
    var results: [ModelEvaluationResult]
  }
}
