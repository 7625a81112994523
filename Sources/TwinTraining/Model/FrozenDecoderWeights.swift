import Foundation
import TwinGGUF
import TwinLLM

/// One decoder layer's frozen weights in the training layout: `f32`, row-major `[out × in]`.
public struct FrozenLayer: Sendable {
  /// The gain of the RMS normalisation before attention.
  public var attentionNorm: [Float]
  /// The gain of the RMS normalisation before the feed-forward block.
  public var feedForwardNorm: [Float]
  /// The seven projections' weights.
  public var weights: [Projection: Tensor]
  /// Biases, where the architecture has them (Qwen 2's q, k and v).
  public var biases: [Projection: [Float]]

  /// A layer from its parts.
  public init(
    attentionNorm: [Float], feedForwardNorm: [Float], weights: [Projection: Tensor], biases: [Projection: [Float]] = [:]
  ) {
    self.attentionNorm = attentionNorm
    self.feedForwardNorm = feedForwardNorm
    self.weights = weights
    self.biases = biases
  }

  func weight(_ p: Projection) -> Tensor { weights[p]! }
}

/// A Llama-family model's weights, frozen, in the layout training works in.
///
/// The layout is transformers': every matrix `[out × in]` in `f32`, and the rows of the query
/// and key projections in Hugging Face's "rotate half" order. llama.cpp's converter permutes
/// Llama's q/k rows so that rotary pairs sit next to each other; loading undoes that, so one
/// rotary implementation serves every model and the LoRA matrices are peft's as they stand.
public final class FrozenDecoderWeights: @unchecked Sendable {
  /// The model's shape.
  public let shape: Hyperparameters
  /// Token embeddings, `[V × D]`.
  public let embeddings: Tensor
  /// The output head, `[V × D]`: the embeddings themselves when the model ties them.
  public let output: Tensor
  /// Whether ``output`` is the embedding matrix.
  public let tiedOutput: Bool
  /// The gain of the final RMS normalisation.
  public let outputNorm: [Float]
  /// The decoder layers.
  public let layers: [FrozenLayer]

  /// Weights from their parts (`output` nil ties the head to the embeddings).
  public init(shape: Hyperparameters, embeddings: Tensor, output: Tensor?, outputNorm: [Float], layers: [FrozenLayer]) {
    self.shape = shape
    self.embeddings = embeddings
    self.output = output ?? embeddings
    tiedOutput = output == nil
    self.outputNorm = outputNorm
    self.layers = layers
  }

  /// The architectures this engine trains.
  public static let supportedArchitectures: Set<String> = ["llama", "qwen2"]

  /// Reads and dequantises `file`'s weights (any block format the engine reads) into `f32`.
  ///
  /// - Throws: ``TrainingError/unsupportedArchitecture(_:)`` for architectures other than the
  ///   Llama family; ``TrainingError/badFile(path:reason:)`` for partial rotary embeddings;
  ///   the reader's errors for missing tensors.
  public convenience init(file: GGUFFile) throws {
    let shape = try Hyperparameters(file: file)
    guard Self.supportedArchitectures.contains(shape.architecture) else {
      throw TrainingError.unsupportedArchitecture(shape.architecture)
    }
    guard shape.ropeDimensions == shape.headDimension else {
      throw TrainingError.badFile(
        path: file.url.path, reason: "rotary embedding covers \(shape.ropeDimensions) of \(shape.headDimension) head dimensions")
    }
    func tensor(_ name: String) throws -> Tensor {
      let info = try file.tensor(named: name)
      let values = try file.floats(name)
      let cols = info.rowLength
      return Tensor(rows: values.count / cols, cols: cols, values: values)
    }
    // llama.cpp's converter permutes Llama's q/k rows (not Qwen 2's); undo it.
    let permuted = shape.architecture == "llama"
    let embeddings = try tensor("token_embd.weight")
    let output = file.contains(tensor: "output.weight") ? try tensor("output.weight") : nil
    let layers = try (0..<shape.layers).map { i in
      let prefix = "blk.\(i)."
      var weights: [Projection: Tensor] = [:]
      var biases: [Projection: [Float]] = [:]
      for p in Projection.allCases {
        var w = try tensor(prefix + p.ggufName + ".weight")
        if permuted, p == .query { w = Self.unpermuteRotaryRows(w, heads: shape.heads) }
        if permuted, p == .key { w = Self.unpermuteRotaryRows(w, heads: shape.kvHeads) }
        let (out, inputs) = p.dimensions(shape)
        guard w.rows == out, w.cols == inputs else {
          throw TrainingError.badFile(
            path: file.url.path, reason: "\(prefix + p.ggufName).weight is \(w.rows) × \(w.cols), expected \(out) × \(inputs)")
        }
        weights[p] = w
        if file.contains(tensor: prefix + p.ggufName + ".bias") { biases[p] = try file.floats(prefix + p.ggufName + ".bias") }
      }
      return FrozenLayer(
        attentionNorm: try file.floats(prefix + "attn_norm.weight"), feedForwardNorm: try file.floats(prefix + "ffn_norm.weight"),
        weights: weights, biases: biases)
    }
    self.init(
      shape: shape, embeddings: embeddings, output: output, outputNorm: try file.floats("output_norm.weight"), layers: layers)
  }

  /// Puts rows permuted for adjacent-pair rotation back in "rotate half" order: within each
  /// head, row `2j + i` becomes row `i·d/2 + j`.
  static func unpermuteRotaryRows(_ w: Tensor, heads: Int) -> Tensor {
    permuteRotaryRows(w, heads: heads) { j, i, half in (2 * j + i, i * half + j) }
  }

  /// The inverse of ``unpermuteRotaryRows(_:heads:)``: "rotate half" rows to llama.cpp's
  /// adjacent pairs, for matrices going back into GGUF files.
  static func permuteRotaryRows(_ w: Tensor, heads: Int) -> Tensor {
    permuteRotaryRows(w, heads: heads) { j, i, half in (i * half + j, 2 * j + i) }
  }

  private static func permuteRotaryRows(
    _ w: Tensor, heads: Int, mapping: (_ j: Int, _ i: Int, _ half: Int) -> (from: Int, to: Int)
  ) -> Tensor {
    let d = w.rows / heads
    let half = d / 2
    let out = Tensor(rows: w.rows, cols: w.cols)
    for h in 0..<heads {
      for j in 0..<half {
        for i in 0..<2 {
          let (from, to) = mapping(j, i, half)
          out.row(h * d + to).update(from: w.row(h * d + from), count: w.cols)
        }
      }
    }
    return out
  }
}
