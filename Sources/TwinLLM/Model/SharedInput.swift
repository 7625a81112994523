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
    guard let activations = activations(for: matrix) else {
      if byVector { matrix.matmulByVector(x, count: count, into: y) } else { matrix.matmul(x, count: count, into: y) }
      return
    }
    if byVector { matrix.matmulByVector(activations, into: y) } else { matrix.matmul(activations, into: y) }
  }

  /// `y = x · Wᵀ` for each (matrix, output) pair: for a single input row of quantised
  /// matrices, in one parallel dispatch (``QuantizedMatrix/matvecs(_:)``); the same results
  /// as one ``multiply(_:into:)`` each.
  mutating func multiply(_ products: [(QuantizedMatrix, UnsafeMutablePointer<Float>)]) {
    guard count == 1, products.allSatisfy({ $0.0.activationFormat != nil }) else {
      for (matrix, y) in products { multiply(matrix, into: y) }
      return
    }
    QuantizedMatrix.matvecs(products.map { ($0.0, activations(for: $0.0)!, $0.1) })
  }

  /// The input quantised for `matrix` (once per format), or nil for a `Float` matrix.
  private mutating func activations(for matrix: QuantizedMatrix) -> Q8Activations? {
    guard let format = matrix.activationFormat else { return nil }
    if let shared = quantized.first(where: { $0.format == format }) { return shared.activations }
    let activations = matrix.quantize(x, count: count)
    quantized.append((format, activations))
    return activations
  }
}
