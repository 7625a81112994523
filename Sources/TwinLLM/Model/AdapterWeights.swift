import Foundation
import TwinGGUF
import TwinTensor

/// A LoRA adapter in llama.cpp's GGUF format, applied on top of a base model as it runs:
/// each adapted projection adds `(α/r) · (x Aᵀ) Bᵀ` to the base's `x Wᵀ`, as llama.cpp does
/// with `--lora`.
///
/// The base stays quantised and shared; the adapter is a few megabytes of `f32`. Rows of `B`
/// are in the file's order, which is the base file's order, so no permutation is needed here.
public struct AdapterWeights: Sendable {
  /// One adapted projection.
  public struct Projection: Sendable {
    /// `A`, `rank × inputs`, row-major.
    let a: [Float]
    /// `B`, `outputs × rank`, row-major.
    let b: [Float]
    let rank: Int
    let inputs: Int
    let outputs: Int
    let scale: Float

    /// `y += scale · (x Aᵀ) Bᵀ` for `rows` rows of `x` (`inputs` wide) and `y` (`outputs` wide).
    func apply(input x: UnsafePointer<Float>, rows: Int, output y: UnsafeMutablePointer<Float>) {
      var down = [Float](repeating: 0, count: rows * rank)
      a.withUnsafeBufferPointer { a in
        b.withUnsafeBufferPointer { b in
          down.withUnsafeMutableBufferPointer { d in
            Kernels.gemmNT(
              m: rows, n: rank, k: inputs, a: x, lda: inputs, b: a.baseAddress!, ldb: inputs, c: d.baseAddress!, ldc: rank)
            Kernels.gemmNT(
              m: rows, n: outputs, k: rank, a: d.baseAddress!, lda: rank, b: b.baseAddress!, ldb: rank, c: y, ldc: outputs,
              alpha: scale, accumulate: true)
          }
        }
      }
    }
  }

  /// The adapter's name (`general.name`), for logs.
  public let name: String
  /// `layers[i]["attn_q"]`: layer `i`'s adapted projection by its GGUF name.
  let layers: [[String: Projection]]

  /// Reads the adapter in `file` for a base of shape `base`.
  ///
  /// - Throws: ``ModelLoadError/badAdapter(file:reason:)`` when the file is not a LoRA adapter
  ///   for this architecture; ``ModelLoadError/badShape(tensor:expected:actual:)`` when a
  ///   matrix does not fit the base.
  public init(file: GGUFFile, base: Hyperparameters) throws {
    let path = file.url.path
    let kind = file.contains(key: "general.type") ? try file.string("general.type") : ""
    let adapterType = file.contains(key: "adapter.type") ? try file.string("adapter.type") : ""
    guard kind == "adapter", adapterType == "lora" else {
      throw ModelLoadError.badAdapter(file: path, reason: "not a LoRA adapter (general.type '\(kind)', adapter.type '\(adapterType)')")
    }
    let architecture = try file.architecture
    guard architecture == base.architecture else {
      throw ModelLoadError.badAdapter(file: path, reason: "an adapter for \(architecture), the model is \(base.architecture)")
    }
    let alpha = try file.float("adapter.lora.alpha")
    name = file.contains(key: "general.name") ? try file.string("general.name") : file.url.lastPathComponent
    var layers = [[String: Projection]](repeating: [:], count: base.layers)
    for info in file.tensors where info.name.hasSuffix(".weight.lora_a") {
      let stem = String(info.name.dropLast(".weight.lora_a".count))  // blk.N.attn_q
      let parts = stem.split(separator: ".")
      guard parts.count == 3, parts[0] == "blk", let layer = Int(parts[1]), (0..<base.layers).contains(layer) else {
        throw ModelLoadError.badShape(tensor: info.name, expected: "blk.N.<projection>.weight.lora_a", actual: info.name)
      }
      let bName = stem + ".weight.lora_b"
      guard file.contains(tensor: bName) else {
        throw ModelLoadError.badShape(tensor: bName, expected: "the lora_b beside \(info.name)", actual: "missing")
      }
      let bInfo = try file.tensor(named: bName)
      let rank = info.rowCount
      guard bInfo.rowLength == rank else {
        throw ModelLoadError.badShape(tensor: bName, expected: "rank \(rank) columns", actual: "\(bInfo.rowLength)")
      }
      layers[layer][String(parts[2])] = Projection(
        a: try file.floats(info.name), b: try file.floats(bName), rank: rank, inputs: info.rowLength,
        outputs: bInfo.rowCount, scale: alpha / Float(rank))
    }
    self.layers = layers
  }

  /// Adds layer `layer`'s `projection` delta to `y`, when the adapter has one; checks widths.
  func apply(
    layer: Int, _ projection: String, input x: UnsafePointer<Float>, inputs: Int, rows: Int,
    output y: UnsafeMutablePointer<Float>, outputs: Int
  ) {
    guard let p = layers[layer][projection] else { return }
    precondition(p.inputs == inputs && p.outputs == outputs, "adapter \(projection) of layer \(layer) does not fit the model")
    p.apply(input: x, rows: rows, output: y)
  }
}
