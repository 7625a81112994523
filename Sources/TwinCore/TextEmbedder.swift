/// The embedding-model port: what the feature pipeline and retrieval need from an encoder.
///
/// The chunker sizes chunks with ``tokenCount(_:)`` so that no chunk exceeds the model's window:
/// a model silently truncates longer input, and the truncated tail would never be searchable.
public protocol TextEmbedder: Sendable {
  /// Identifies the model; stored with every vector so a model change re-embeds everything.
  var modelID: String { get }
  /// Length of each vector.
  var dimension: Int { get }
  /// The most content tokens one input may hold, excluding the special tokens the model adds.
  var maxContentTokens: Int { get }
  /// Content tokens of `text` without truncation (special tokens not counted).
  func tokenCount(_ text: String) -> Int
  /// One vector per text, in order.
  func embed(_ texts: [String]) async throws -> [[Float]]
}
