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
  public static let experiment = "evaluation"

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
    let id = UUID()
    try await tracker.start(
      ExperimentRun(
        id: id, experiment: Self.experiment, name: "\(models.joined(separator: ", ")) on \(dataset)", parameters: parameters,
        inputs: [dataset] + models, pipelineRunID: nil))
    do {
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
      let answers = try JSONEncoder().encode(Answers(cases: cases, results: results))
      let blob = try blobs.put(answers)
      try await tracker.attach(RunArtifact(path: "answers.json", blob: blob, bytes: answers.count), file: blobs.location(of: blob), run: id)
      try await tracker.finish(id, status: .finished)
      return (id, results)
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
