import TwinGGUF

/// The shape of a decoder model, read from `<arch>.*` GGUF metadata.
public struct Hyperparameters: Sendable, Hashable, Codable {
  /// `general.architecture`: `llama`, `qwen2`, `gemma3`.
  public var architecture: String
  /// Decoder layers.
  public var layers: Int
  /// The hidden size.
  public var embedding: Int
  /// The feed-forward (MLP) width.
  public var feedForward: Int
  /// Query heads.
  public var heads: Int
  /// Key/value heads (fewer than `heads` with grouped-query attention).
  public var kvHeads: Int
  /// Elements per head.
  public var headDimension: Int
  /// Tokens in the vocabulary.
  public var vocabulary: Int
  /// The longest context the model was trained for.
  public var contextLength: Int
  /// ε of the RMS normalisations.
  public var rmsEpsilon: Float
  /// The rotary embedding's base frequency.
  public var ropeBase: Float
  /// Rotated dimensions per head (all of them, for the supported models).
  public var ropeDimensions: Int

  /// A shape given field by field (tests build small random models with it).
  public init(
    architecture: String, layers: Int, embedding: Int, feedForward: Int, heads: Int, kvHeads: Int, headDimension: Int,
    vocabulary: Int, contextLength: Int, rmsEpsilon: Float, ropeBase: Float
  ) {
    self.architecture = architecture
    self.layers = layers
    self.embedding = embedding
    self.feedForward = feedForward
    self.heads = heads
    self.kvHeads = kvHeads
    self.headDimension = headDimension
    self.vocabulary = vocabulary
    self.contextLength = contextLength
    self.rmsEpsilon = rmsEpsilon
    self.ropeBase = ropeBase
    ropeDimensions = headDimension
  }

  /// The shape in `file`'s `<arch>.*` metadata.
  ///
  /// - Throws: ``ModelLoadError`` when a key is missing or the head counts do not divide.
  public init(file: GGUFFile) throws {
    let a = try file.architecture
    architecture = a
    layers = try file.int("\(a).block_count")
    embedding = try file.int("\(a).embedding_length")
    feedForward = try file.int("\(a).feed_forward_length")
    heads = try file.int("\(a).attention.head_count")
    kvHeads = file.contains(key: "\(a).attention.head_count_kv") ? try file.int("\(a).attention.head_count_kv") : heads
    headDimension =
      file.contains(key: "\(a).attention.key_length") ? try file.int("\(a).attention.key_length") : embedding / heads
    vocabulary = try file.stringArray("tokenizer.ggml.tokens").count
    contextLength = try file.int("\(a).context_length")
    rmsEpsilon = try file.float("\(a).attention.layer_norm_rms_epsilon")
    ropeBase = file.contains(key: "\(a).rope.freq_base") ? try file.float("\(a).rope.freq_base") : 10_000
    ropeDimensions =
      file.contains(key: "\(a).rope.dimension_count") ? try file.int("\(a).rope.dimension_count") : headDimension
    guard heads > 0, kvHeads > 0, heads % kvHeads == 0, headDimension > 0 else {
      throw ModelLoadError.badShape(
        tensor: "\(a).attention.*", expected: "head_count divisible by head_count_kv",
        actual: "\(heads) heads, \(kvHeads) kv heads")
    }
  }

  var queryWidth: Int { heads * headDimension }
  var kvWidth: Int { kvHeads * headDimension }
}
