/// Row-wise normalisations: LayerNorm (BERT, GPT-2) and RMSNorm (LLaMA-style models).
///
/// Each row is one token's hidden vector (384 floats for MiniLM), small enough to stay in L1
/// across the passes below; rows are spread over threads for large batches.
extension Kernels {
  /// Rows per thread chunk: about 16 K elements, ≈ 10 µs of work.
  static func rowChunk(cols: Int) -> Int { max(1, 16_384 / max(cols, 1)) }

  /// LayerNorm of each row: `y = (x − mean) / √(var + ε) · γ + β`, with the biased variance
  /// (divided by `cols`), as PyTorch's `nn.LayerNorm`. BERT uses `ε = 1e-12`.
  ///
  /// Mean and variance take two passes (the variance of the centred values) rather than
  /// `E[x²] − E[x]²`, which cancels badly when the mean is large next to the spread.
  ///
  /// - Parameters:
  ///   - x: `rows` rows of `cols` floats, `rowStride` apart (default `cols`).
  ///   - gamma: `cols` scales, or nil for 1.
  ///   - beta: `cols` offsets, or nil for 0.
  ///   - y: The output, rows `outputStride` apart (default `cols`); may be `x` itself.
  public static func layerNorm(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    gamma: UnsafePointer<Float>?, beta: UnsafePointer<Float>?, epsilon: Float,
    into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil
  ) {
    let ldx = rowStride ?? cols
    let ldy = outputStride ?? cols
    precondition(rows >= 0 && cols > 0 && ldx >= cols && ldy >= cols, "bad shape or stride")
    let n = Float(cols)
    Parallel.forRange(rows, minChunk: rowChunk(cols: cols)) { range in
      for r in range {
        let row = x + r * ldx
        let out = y + r * ldy
        let mean = sum(row, count: cols) / n
        let m = Vec8(repeating: mean)
        let squares = reduce(cols, SquaredDeviationTerms(x: row, mean: mean))
        let inverse = Vec8(repeating: 1 / (squares / n + epsilon).squareRoot())
        var j = 0
        while j < cols {
          let live = min(8, cols - j)
          let value = live == 8 ? Vec8.load(row + j) : Vec8.load(row + j, count: live)
          var normalized = (value - m) * inverse
          if let gamma {
            normalized *= live == 8 ? Vec8.load(gamma + j) : Vec8.load(gamma + j, count: live)
          }
          if let beta {
            normalized += live == 8 ? Vec8.load(beta + j) : Vec8.load(beta + j, count: live)
          }
          if live == 8 {
            normalized.store(to: out + j)
          } else {
            normalized.store(to: out + j, count: live)
          }
          j += 8
        }
      }
    }
  }

  /// RMSNorm of each row: `y = x / √(mean(x²) + ε) · w` (LLaMA's `RMSNorm`; no centring, no
  /// offset).
  ///
  /// - Parameters:
  ///   - x: `rows` rows of `cols` floats, `rowStride` apart (default `cols`).
  ///   - weight: `cols` scales, or nil for 1.
  ///   - y: The output, rows `outputStride` apart (default `cols`); may be `x` itself.
  public static func rmsNorm(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, rowStride: Int? = nil,
    weight: UnsafePointer<Float>?, epsilon: Float,
    into y: UnsafeMutablePointer<Float>, outputStride: Int? = nil
  ) {
    let ldx = rowStride ?? cols
    let ldy = outputStride ?? cols
    precondition(rows >= 0 && cols > 0 && ldx >= cols && ldy >= cols, "bad shape or stride")
    Parallel.forRange(rows, minChunk: rowChunk(cols: cols)) { range in
      for r in range {
        let row = x + r * ldx
        let out = y + r * ldy
        let meanSquare = dot(row, row, count: cols) / Float(cols)
        let inverse = Vec8(repeating: 1 / (meanSquare + epsilon).squareRoot())
        var j = 0
        while j < cols {
          let live = min(8, cols - j)
          let value = live == 8 ? Vec8.load(row + j) : Vec8.load(row + j, count: live)
          var normalized = value * inverse
          if let weight {
            normalized *= live == 8 ? Vec8.load(weight + j) : Vec8.load(weight + j, count: live)
          }
          if live == 8 {
            normalized.store(to: out + j)
          } else {
            normalized.store(to: out + j, count: live)
          }
          j += 8
        }
      }
    }
  }

  /// LayerNorm of each row of `m` in place.
  public static func layerNorm(_ m: inout Matrix, gamma: [Float]?, beta: [Float]?, epsilon: Float) {
    precondition(gamma == nil || gamma!.count == m.cols, "gamma length must equal cols")
    precondition(beta == nil || beta!.count == m.cols, "beta length must equal cols")
    let (rows, cols) = (m.rows, m.cols)
    guard cols > 0 else { return }
    m.withUnsafeMutableBufferPointer { buffer in
      withOptionalPointer(gamma) { g in
        withOptionalPointer(beta) { b in
          let base = buffer.nonEmptyBase
          layerNorm(base, rows: rows, cols: cols, gamma: g, beta: b, epsilon: epsilon, into: base)
        }
      }
    }
  }

  /// RMSNorm of each row of `m` in place.
  public static func rmsNorm(_ m: inout Matrix, weight: [Float]?, epsilon: Float) {
    precondition(weight == nil || weight!.count == m.cols, "weight length must equal cols")
    let (rows, cols) = (m.rows, m.cols)
    guard cols > 0 else { return }
    m.withUnsafeMutableBufferPointer { buffer in
      withOptionalPointer(weight) { w in
        let base = buffer.nonEmptyBase
        rmsNorm(base, rows: rows, cols: cols, weight: w, epsilon: epsilon, into: base)
      }
    }
  }
}
