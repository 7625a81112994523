import TwinCore

/// How one category of document is cut into chunks.
public struct ChunkingSettings: Sendable, Hashable, Codable {
  /// The most content tokens in one chunk. Must fit the embedding model's window.
  public var maxTokens: Int
  /// Tokens of the previous chunk's tail repeated at the start of the next, so a passage cut at
  /// a chunk boundary is still found whole in one of them.
  public var overlapTokens: Int

  /// The values the `features.<category>.*` settings accept; the model's window narrows
  /// ``maxTokens`` further (``validate(category:modelWindow:)``).
  public enum Ranges {
    public static let maxTokens = 16...8192
    public static let overlapTokens = 0...4096
  }

  public init(maxTokens: Int, overlapTokens: Int) {
    self.maxTokens = maxTokens
    self.overlapTokens = overlapTokens
  }

  /// Defaults: articles and posts are packed by paragraph and sentence, repositories by file.
  public static func defaults(for category: DocumentCategory) -> ChunkingSettings {
    switch category {
    case .articles: ChunkingSettings(maxTokens: 240, overlapTokens: 32)
    case .posts: ChunkingSettings(maxTokens: 240, overlapTokens: 24)
    case .repositories: ChunkingSettings(maxTokens: 240, overlapTokens: 24)
    }
  }

  /// Checks the settings against the model's window.
  ///
  /// - Throws: ``TwinError/configuration(_:)`` naming the category and the limit.
  public func validate(category: DocumentCategory, modelWindow: Int) throws {
    guard maxTokens >= 16 else {
      throw TwinError.configuration("features.\(category.rawValue).chunk_tokens must be at least 16 (got \(maxTokens))")
    }
    guard maxTokens <= modelWindow else {
      throw TwinError.configuration(
        "features.\(category.rawValue).chunk_tokens is \(maxTokens), but the embedding model reads at most \(modelWindow) content tokens; longer chunks would be silently truncated"
      )
    }
    guard overlapTokens >= 0, overlapTokens * 2 <= maxTokens else {
      throw TwinError.configuration(
        "features.\(category.rawValue).overlap_tokens must be between 0 and half of chunk_tokens (got \(overlapTokens))")
    }
  }
}
