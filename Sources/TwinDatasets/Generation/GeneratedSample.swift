import Foundation
import TwinCore

/// A sample as the LLM (or the extract) gave it, before filtering and splitting.
public struct GeneratedSample: Sendable, Hashable, Codable {
  public var instruction: String
  /// Instruct: the answer. Preference: the chosen answer.
  public var answer: String
  /// Preference only.
  public var rejected: String?
  public var extractID: String
  public var documentID: UUID
  public var category: DocumentCategory

  public init(
    instruction: String, answer: String, rejected: String? = nil, extractID: String, documentID: UUID,
    category: DocumentCategory
  ) {
    self.instruction = instruction
    self.answer = answer
    self.rejected = rejected
    self.extractID = extractID
    self.documentID = documentID
    self.category = category
  }

  /// The stored sample, on `split`.
  public func sample(split: DatasetSplit) -> DatasetSample {
    DatasetSample(
      instruction: instruction, answer: answer, rejected: rejected, category: category, split: split,
      source: SampleSource(documentID: documentID, extractID: extractID))
  }
}

/// A prompt that failed every attempt: the run goes on without it.
public struct FailedPrompt: Error, Sendable, Hashable, Codable {
  public var extractID: String
  public var attempts: Int
  /// The last attempt's error, in words.
  public var reason: String
}
