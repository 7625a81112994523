import Foundation
import TwinCore
import TwinFeatureStore

/// The answer prompt, versioned: every trace records the version it rendered, so a change to
/// the wording can be told apart in monitoring and compared in evaluation.
public struct PromptTemplate: Sendable, Hashable {
  /// `name@version`, such as `rag-answer@1`.
  public var id: String
  public var system: String
  /// The user turn; `{context}` and `{question}` are replaced.
  public var user: String

  /// The default answer prompt.
  public static let ragAnswer = PromptTemplate(
    id: "rag-answer@1",
    system: """
      You are the writing twin of {authors}: you answer in their voice, from their own writing.
      Use only the numbered context passages. Cite the passages you use as [1], [2] and so on.
      If the context does not answer the question, say so briefly.
      """,
    user: """
      Context:
      {context}

      Question: {question}
      """)

  /// The most characters of one chunk put in the context.
  public static let maxChunkCharacters = 1200

  /// The numbered context: `[n] title (author, platform)` then the chunk text.
  public static func context(_ chunks: [RetrievedChunk]) -> String {
    chunks.enumerated().map { i, chunk in
      let title = chunk.title ?? chunk.filePath ?? "untitled"
      let text = chunk.content.count > maxChunkCharacters ? chunk.content.prefix(maxChunkCharacters) + "…" : chunk.content
      return "[\(i + 1)] \(title) (\(chunk.authorFullName), \(chunk.platform))\n\(text)"
    }.joined(separator: "\n\n")
  }

  /// The conversation for `question` over `chunks`.
  public func render(question: String, chunks: [RetrievedChunk]) -> [ChatMessage] {
    var authors: [String] = []
    for chunk in chunks where !authors.contains(chunk.authorFullName) { authors.append(chunk.authorFullName) }
    return [
      .system(system.replacingOccurrences(of: "{authors}", with: authors.isEmpty ? "the author" : authors.joined(separator: " and "))),
      .user(
        // The question first: chunks (source code, say) may contain the text "{question}".
        user.replacingOccurrences(of: "{question}", with: question)
          .replacingOccurrences(of: "{context}", with: Self.context(chunks))),
    ]
  }
}
