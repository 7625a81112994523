import Foundation
import TwinGGUF
import TwinLLM

/// Trained models in llama.cpp's formats: a LoRA adapter file (`llama-cli --lora`,
/// llama-cpp-python's `lora_path`) and a merged model.
///
/// GGUF keeps Llama's q/k rows permuted for adjacent-pair rotation, so those rows (of `B`, and
/// of merged q/k weights) are permuted back from the training layout on the way out.
public enum GGUFExport {
  /// The element type of a merged model's matrices.
  public enum MergedType: String, Sendable, CaseIterable, Codable {
    /// Half precision: exact to about 3 decimal digits.
    case f16
    /// 8-bit blocks of 32 with an f16 scale: half the size of f16, nearly as exact.
    case q8_0

    var ggml: GGMLType { self == .f16 ? .f16 : .q8_0 }
  }

  /// Rows in llama.cpp's order for projection `p` of a model of `shape`.
  static func fileRows(_ w: Tensor, _ p: Projection, _ shape: Hyperparameters) -> Tensor {
    guard shape.architecture == "llama" else { return w }
    switch p {
    case .query: return FrozenDecoderWeights.permuteRotaryRows(w, heads: shape.heads)
    case .key: return FrozenDecoderWeights.permuteRotaryRows(w, heads: shape.kvHeads)
    default: return w
    }
  }

  /// Writes `adapter` as a GGUF LoRA adapter for a base of `shape`, atomically.
  ///
  /// The layout is what llama.cpp's `convert_lora_to_gguf.py` writes: `general.type = adapter`,
  /// `adapter.type = lora`, `adapter.lora.alpha`, and per adapted projection
  /// `blk.N.<name>.weight.lora_a` (`A`, `r × in`) and `.lora_b` (`B`, `out × r`) in `f32`.
  public static func writeAdapter(_ adapter: LoRAAdapter, shape: Hyperparameters, name: String, to url: URL) throws {
    var writer = GGUFWriter()
    writer.set("general.architecture", .string(shape.architecture))
    writer.set("general.type", .string("adapter"))
    writer.set("general.name", .string(name))
    writer.set("adapter.type", .string("lora"))
    writer.set("adapter.lora.alpha", .float32(adapter.configuration.alpha))
    for (i, pairs) in adapter.layers.enumerated() {
      for p in Projection.allCases {
        guard let pair = pairs[p] else { continue }
        let base = "blk.\(i).\(p.ggufName).weight"
        writer.add(base + ".lora_a", rows: pair.a.rows, cols: pair.a.cols, values: pair.a.values, as: .f32)
        let b = fileRows(pair.b, p, shape)
        writer.add(base + ".lora_b", rows: b.rows, cols: b.cols, values: b.values, as: .f32)
      }
    }
    try writer.write(to: url)
  }

  /// Writes `weights` (a base with its adapter merged, see
  /// ``FrozenDecoderWeights/merging(_:)``) as a GGUF model with `base`'s metadata (tokenizer,
  /// chat template, shape), atomically. Matrices whose rows do not fill Q8_0's blocks of 32 are
  /// written as f16, as llama.cpp's quantiser does; norms and biases stay f32.
  public static func writeMerged(_ weights: FrozenDecoderWeights, base: GGUFFile, name: String, type: MergedType, to url: URL)
    throws
  {
    var writer = GGUFWriter()
    for key in base.metadataKeys where key != "general.alignment" {
      writer.set(key, base.metadata[key]!)
    }
    writer.set("general.name", .string(name))
    writer.set("general.file_type", .uint32(type == .f16 ? 1 : 7))
    func matrix(_ name: String, _ t: Tensor) {
      let chosen: GGMLType = t.cols % 32 == 0 ? type.ggml : .f16
      writer.add(name, rows: t.rows, cols: t.cols, values: t.values, as: chosen)
    }
    func vector(_ name: String, _ v: [Float]) { writer.add(name, rows: 1, cols: v.count, values: v, as: .f32) }
    let shape = weights.shape
    matrix("token_embd.weight", weights.embeddings)
    for (i, layer) in weights.layers.enumerated() {
      let prefix = "blk.\(i)."
      vector(prefix + "attn_norm.weight", layer.attentionNorm)
      for p in Projection.allCases {
        matrix(prefix + p.ggufName + ".weight", fileRows(layer.weight(p), p, shape))
        if let bias = layer.biases[p] { vector(prefix + p.ggufName + ".bias", bias) }
      }
      vector(prefix + "ffn_norm.weight", layer.feedForwardNorm)
    }
    vector("output_norm.weight", weights.outputNorm)
    if !weights.tiedOutput { matrix("output.weight", weights.output) }
    try writer.write(to: url)
  }
}
