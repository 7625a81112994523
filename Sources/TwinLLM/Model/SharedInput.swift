import TwinGGUF

/// Products of several weight matrices with the same input rows (q, k and v of the normalised
/// hidden states; gate and up), quantising the input once per activation format instead of
/// once per matrix.
///
/// The products are the ones ``QuantizedMatrix/matmul(_:count:inputStride:into:outputStride:)``
/// would give: quantisation is deterministic, so sharing it changes no bits.
struct SharedInput {
  let x: UnsafePointer<Float>
  let count: Int
  /// Multiply one vector at a time with the matrix-vector kernels (small decode batches).
  let byVector: Bool
  private var quantized: [(format: Q8Activations.Format, activations: Q8Activations)] = []

  init(_ x: UnsafePointer<Float>, count: Int, byVector: Bool = false) {
    self.x = x
    self.count = count
    self.byVector = byVector
  }

  /// `y = x · Wᵀ` for every input row.
  mutating func multiply(_ matrix: QuantizedMatrix, into y: UnsafeMutablePointer<Float>) {
    guard let format = matrix.activationFormat else {
      if byVector { matrix.matmulByVector(x, count: count, into: y) } else { matrix.matmul(x, count: count, into: y) }
      return
    }
    let activations: Q8Activations
    if let shared = quantized.first(where: { $0.format == format }) {
      activations = shared.activations
    } else {
      activations = matrix.quantize(x, count: count)
      quantized.append((format, activations))
    }
    if byVector { matrix.matmulByVector(activations, into: y) } else { matrix.matmul(activations, into: y) }
  }
}
