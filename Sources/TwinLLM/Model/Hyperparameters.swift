import TwinGGUF

/// The shape of a decoder model, read from `<arch>.*` GGUF metadata.
public struct Hyperparameters: Sendable, Hashable {
  public var architecture: String
  public var layers: Int
  public var embedding: Int
  public var feedForward: Int
  public var heads: Int
  public var kvHeads: Int
  public var headDimension: Int
  public var vocabulary: Int
  public var contextLength: Int
  public var rmsEpsilon: Float
  public var ropeBase: Float
  /// Rotated dimensions per head (all of them, for the supported models).
  public var ropeDimensions: Int

  init(file: GGUFFile) throws {
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
