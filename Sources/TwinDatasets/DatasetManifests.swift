import Foundation
import TwinCore
import TwinOrchestrator

/// `query_feature_store`: the cleaned documents, in the blob store.
public struct DocumentSet: Sendable, Codable {
  public var documents: BlobRef<[CleanedDocument]>
  public var count: Int
}

/// `create_prompts`: the extracts, one prompt each, in the blob store.
public struct ExtractSet: Sendable, Codable {
  public var extracts: BlobRef<[Extract]>
  public var count: Int
  /// The documents they came from (some documents may give none).
  public var documents: Int
}

/// `generate`: the samples as generated, and the prompts that failed.
public struct GenerationBatch: Sendable, Codable {
  public var samples: BlobRef<[GeneratedSample]>
  public var count: Int
  public var failures: [FailedPrompt]
  public var promptTokens: Int
  public var completionTokens: Int
}

/// `post_process`: the samples kept, and what was dropped.
public struct ProcessedBatch: Sendable, Codable {
  public var samples: BlobRef<[GeneratedSample]>
  public var count: Int
  public var removed: [RemovalReason: Int]
}

/// `split`: the samples with their side.
public struct SplitBatch: Sendable, Codable {
  public var samples: BlobRef<[DatasetSample]>
  public var counts: [DatasetSplit: [DocumentCategory: Int]]
}

/// `save_dataset`: the version the run's samples are stored as.
public struct SavedDataset: Sendable, Codable {
  public var name: String
  public var version: Int
  public var kind: DatasetKind
  /// False when the latest version already held these samples (nothing was written).
  public var created: Bool
  public var counts: [DatasetSplit: [DocumentCategory: Int]]
  public var failures: Int
  public var removed: [RemovalReason: Int]

  public var label: String { "\(name)@\(version)" }
}
