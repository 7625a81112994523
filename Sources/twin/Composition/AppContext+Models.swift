import Foundation
import TwinCore
import TwinEmbeddings
import TwinModelStore
import TwinRAG
import TwinConfig

extension AppContext {
  /// Pulls a known model on first use, so a fresh machine needs no separate step.
  func ensureModel(_ name: String) async throws {
    guard models.model(named: name) != nil, (try? models.resolve(name)) == nil else { return }
    if !json { print("\npulling the \(name) model (first run only)") }
    _ = try await models.pull(name, options: PullOptions()) { [json] line in
      if !json, !line.hasPrefix(" ") { Stderr.write(line + "\n") }
    }
  }

  /// The embedding model named by `features.embedding_model` (or `name`), loaded.
  func embedder(_ name: String? = nil) throws -> Embedder {
    try Embedder(modelDirectory: try models.resolve(name ?? settings.features.embeddingModel).directory)
  }

  /// The reranker named by `rag.reranker`: `fusion`, `none`, or a cross-encoder model.
  func reranker() throws -> Reranker {
    let name = settings.rag.reranker
    switch name.lowercased() {
    case "fusion": return .fusion
    case "none": return .none
    default:
      let resolved = try models.resolve(name)
      let encoder = try CrossEncoder(modelDirectory: resolved.directory)
      return .crossEncoder(name: resolved.name ?? name) { question, passages in
        try await encoder.score(query: question, passages: passages)
      }
    }
  }
}
