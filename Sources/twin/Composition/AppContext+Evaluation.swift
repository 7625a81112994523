import Foundation
import TwinConfig
import TwinCore
import TwinOrchestrator
import TwinEvaluation
import TwinModelStore
import TwinSQLite
import TwinTraining

extension AppContext {
  /// A model to evaluate, by the name a user gives: a catalog model, a trained model
  /// (`twin-sft@2`, `twin-sft@production`) or, with `llm.backend: openai`, the server's model.
  /// Local models also score perplexity (their weights are at hand); a server's do not.
  func candidateModel(_ name: String, maxLength: Int) async throws -> CandidateModel {
    if settings.llm.backend == "openai" {
      return CandidateModel(label: name, llm: try await languageModel(name), perplexity: nil)
    }
    let llm = try await localLanguageModel(name)
    let label: String
    let baseFile: URL
    var adapter: (configuration: Data, weights: URL)?
    if let (version, _) = try await trainedModel(name) {
      label = version.label
      baseFile = try models.resolve(version.baseModel).url
      adapter = (
        try workspace.blobs.get(version.files.peftConfiguration), workspace.blobs.location(of: version.files.peftWeights)
      )
    } else {
      let resolved = try models.resolve(name)
      label = resolved.name ?? name
      baseFile = resolved.url
    }
    let loaded = adapter
    // The f32 training layout is loaded on first use, once per model.
    let scorer = LazyScorer { try AnswerPerplexity(baseFile: baseFile, adapter: loaded, maxLength: maxLength) }
    return CandidateModel(label: label, llm: llm) { instruction, reference in
      try await BlockingWork.run { try scorer.value().perplexity(instruction: instruction, answer: reference) }
    }
  }

  /// The evaluation questions of a dataset version's test split, each with its author when its
  /// source document is in the warehouse.
  func evaluationCases(_ dataset: DatasetVersion, limit: Int?) async throws -> [EvaluationCase] {
    let samples = try await workspace.datasets.samples(of: dataset, split: .test, limit: limit)
    guard !samples.isEmpty else {
      throw TwinError.invalidInput("\(dataset.label) has no test sample: generate it with --test-split above 0")
    }
    let authors = Dictionary(
      try await workspace.warehouse.documents(authorID: nil, category: nil).map { ($0.id, $0.authorFullName) },
      uniquingKeysWith: { a, _ in a })
    return samples.map { s in
      EvaluationCase(instruction: s.instruction, reference: s.answer, author: s.source.documentID.flatMap { authors[$0] })
    }
  }
}

/// A value made on first use (behind a lock: the scorer is used from one task at a time).
final class LazyScorer: @unchecked Sendable {
  private let make: () throws -> AnswerPerplexity
  private var made: AnswerPerplexity?
  private let lock = NSLock()

  init(_ make: @escaping () throws -> AnswerPerplexity) { self.make = make }

  func value() throws -> AnswerPerplexity {
    lock.lock()
    defer { lock.unlock() }
    if let made { return made }
    let value = try make()
    made = value
    return value
  }
}
