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
  private var quantized: [(format: Q8Activations.Format, activations: Q8Activations)] = []

  init(_ x: UnsafePointer<Float>, count: Int) {
    self.x = x
    self.count = count
  }

  /// `y = x · Wᵀ` for every input row.
  mutating func multiply(_ matrix: QuantizedMatrix, into y: UnsafeMutablePointer<Float>) {
    guard let format = matrix.activationFormat else {
      matrix.matmul(x, count: count, into: y)
      return
    }
    if let shared = quantized.first(where: { $0.format == format }) {
      matrix.matmul(shared.activations, into: y)
    } else {
      let activations = matrix.quantize(x, count: count)
      quantized.append((format, activations))
      matrix.matmul(activations, into: y)
    }
  }
}
