import TwinCore
import TwinFeatures

/// What the feature pipeline is configured with.
public struct FeatureSettings: Sendable, Hashable, Codable {
  public var chunking: [DocumentCategory: ChunkingSettings]
  public var hnsw: HNSWSettings
  public var distance: VectorDistance
  /// Documents written per vector-store transaction. Each document's cleaned text and chunks
  /// always land in the same transaction.
  public var loadBatchSize: Int
  /// Texts per embedding call (and progress update).
  public var embedBatchSize: Int

  /// The values `features.load_batch_size` accepts.
  public static let loadBatchSizeRange = 1...1024
  /// The model `features.embedding_model` names by default.
  public static let defaultEmbeddingModel = "minilm"

  public init(
    chunking: [DocumentCategory: ChunkingSettings] = [:], hnsw: HNSWSettings = HNSWSettings(),
    distance: VectorDistance = .cosine, loadBatchSize: Int = 16, embedBatchSize: Int = 64
  ) {
    var filled = chunking
    for category in DocumentCategory.allCases where filled[category] == nil {
      filled[category] = .defaults(for: category)
    }
    self.chunking = filled
    self.hnsw = hnsw
    self.distance = distance
    self.loadBatchSize = max(1, loadBatchSize)
    self.embedBatchSize = max(1, embedBatchSize)
  }

  /// Identifies everything that shapes a document's features; part of each document's source
  /// hash, so changing any of it reprocesses every document.
  func version(modelID: String) -> String {
    let chunks = DocumentCategory.allCases.map { c in
      let s = chunking[c] ?? .defaults(for: c)
      return "\(c.rawValue):\(s.maxTokens)/\(s.overlapTokens)"
    }.joined(separator: ",")
    return "cleaner:\(DocumentCleaner.version) chunker:\(DocumentChunker.version) chunks:\(chunks) model:\(modelID)"
  }
}
