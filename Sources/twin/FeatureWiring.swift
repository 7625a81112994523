import Foundation
import TwinConfig
import TwinCore
import TwinEmbeddings
import TwinFeatures
import TwinModelStore
import TwinPipelines

/// Builds the feature pipeline's settings and embedder from `Settings`.
enum FeatureWiring {
  static func featureSettings(_ settings: Settings) -> FeatureSettings {
    let f = settings.features
    return FeatureSettings(
      chunking: [
        .articles: ChunkingSettings(maxTokens: f.articlesChunkTokens, overlapTokens: f.articlesOverlapTokens),
        .posts: ChunkingSettings(maxTokens: f.postsChunkTokens, overlapTokens: f.postsOverlapTokens),
        .repositories: ChunkingSettings(maxTokens: f.repositoriesChunkTokens, overlapTokens: f.repositoriesOverlapTokens),
      ],
      hnsw: HNSWSettings(m: f.hnswM, efConstruction: f.hnswEfConstruction, efSearch: f.hnswEfSearch),
      loadBatchSize: f.loadBatchSize)
  }

  /// The embedding model named by `features.embedding_model` (or `override`), loaded.
  static func embedder(_ settings: Settings, override: String? = nil) throws -> Embedder {
    let name = override ?? settings.features.embeddingModel
    let store = ModelStore(root: URL(fileURLWithPath: (settings.modelsDirectory as NSString).expandingTildeInPath))
    let resolved = try store.resolve(name)
    return try Embedder(modelDirectory: resolved.directory)
  }

  /// Users for `names`, or nil for "everyone"; an unknown name is an error listing the known ones.
  static func authors(_ names: [String], warehouse: any DataWarehouse) async throws -> [User]? {
    guard !names.isEmpty else { return nil }
    var users: [User] = []
    for name in names {
      guard let user = try await warehouse.user(fullName: name) else {
        let known = try await warehouse.users().map(\.fullName)
        throw TwinError.notFound(
          "author '\(name)' in the warehouse (known: \(known.isEmpty ? "none; run `twin etl` first" : known.joined(separator: ", ")))")
      }
      users.append(user)
    }
    return users
  }
}
