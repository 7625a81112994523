import TwinCore
import TwinOrchestrator

/// The tokenised splits of a dataset version: the `tokenize_dataset` step's output.
public struct TokenizedDataset: Codable, Sendable {
  /// Per split, the examples in the blob store.
  public var splits: BlobRef<TokenizedSplits>
  /// Training examples (SFT samples or DPO pairs).
  public var trainCount: Int
  /// Test examples.
  public var testCount: Int
  /// Tokens in the training split.
  public var trainTokens: Int
}

/// What the blob of a ``TokenizedDataset`` holds.
public struct TokenizedSplits: Codable, Sendable {
  public var train: [TrainingExample] = []
  public var test: [TrainingExample] = []
  public var trainPairs: [PreferenceExample] = []
  public var testPairs: [PreferenceExample] = []
}

/// The `train` step's output: the adapter's files in the blob store and how training went.
public struct TrainedAdapter: Codable, Sendable {
  /// The model's files, relative to the GGUF base (a DPO adapter stacked on its SFT adapter).
  public var files: ModelFiles
  /// The adapter's own rank (the stacked rank is larger after DPO).
  public var rank: Int
  /// Optimiser steps in all.
  public var steps: Int
  /// The loss of each step.
  public var losses: [Double]
  /// Training tokens per second in the session that finished the run.
  public var tokensPerSecond: Double
}

/// The `evaluate` step's output: the test split scored before and after training.
public struct TrainingEvaluation: Codable, Sendable {
  /// The starting model (the base for SFT, the SFT model for DPO).
  public var before: EvaluationResult
  /// The trained model.
  public var after: EvaluationResult
}

/// The `register_model` step's output.
public struct RegisteredModel: Codable, Sendable {
  public var name: String
  public var version: Int
  public var created: Bool
  public var label: String { "\(name)@\(version)" }
}
