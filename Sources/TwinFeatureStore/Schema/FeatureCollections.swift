import TwinCore

/// The feature store's collections, as the Handbook names them: `cleaned_<category>` (payload
/// only, ``CleanedDocumentPayload``; dataset generation reads them) and `embedded_<category>`
/// (chunks with vectors, ``ChunkPayload``; retrieval searches them).
public enum FeatureCollections {
  public static func cleaned(_ category: DocumentCategory) -> String { "cleaned_\(category.rawValue)" }
  public static func embedded(_ category: DocumentCategory) -> String { "embedded_\(category.rawValue)" }
  /// Where a rebuild (`--full`) writes `collection` until it commits; never searched.
  public static func staging(_ collection: String) -> String { "rebuild__\(collection)" }
}
