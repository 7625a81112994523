import Foundation
import TwinCore

/// How the RAG flow runs (from `rag.*` settings).
public struct RAGSettings: Sendable {
  /// Chunks kept after reranking, cited in the answer.
  public var k: Int = 3
  /// Alternative phrasings asked of the LLM (0: no expansion).
  public var expansions: Int = 2
  /// Whether the LLM extracts an author filter from the question.
  public var selfQuery = true
  /// Which embedded collections to search (empty: all).
  public var categories: [DocumentCategory] = []
  public var reranker: Reranker = .fusion
  public var template: PromptTemplate = .ragAnswer
  public var guardrails = Guardrails()
  public var maxTokens = 200
  public var temperature: Double = 0
  /// Penalties on repeated tokens in the answer: greedy decoding of a small model otherwise
  /// falls into loops that the output guardrail then refuses.
  public var presencePenalty: Double = 0.3
  public var frequencyPenalty: Double = 0.3
  public var seed: UInt64? = nil

  public init() {}

  /// The values the `rag.*` settings accept.
  public enum Ranges {
    public static let k = 1...50
    public static let expansions = 0...8
    public static let maxTokens = 1...4096
    public static let maxQuestionCharacters = 16...100_000
  }
}
