/// Activation functions, applied in place.
extension Kernels {
  /// GELU, exact (erf) form, in place: `x ← x · Φ(x) = ½·x·(1 + erf(x/√2))`.
  ///
  /// This is BERT's `hidden_act="gelu"` (PyTorch `nn.GELU()` default). Φ is a vectorised
  /// polynomial/exponential evaluation with relative error ≲ 4e-7 against the exact function
  /// (3.2e-7 measured), also in the negative tail, where PyTorch's float `1 + erf` loses all
  /// relative precision.
  public static func gelu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    mapInPlace(x, count: count, GELUMap())
  }

  /// GELU, tanh approximation, in place: `x ← ½·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))`.
  ///
  /// Used by GPT-2-style models (`gelu_new`, PyTorch `approximate="tanh"`). Evaluated as
  /// `x · σ(2y)` with `y` the tanh argument — the same value, since `½(1 + tanh y) = σ(2y)` —
  /// which needs one exponential and stays accurate where `1 + tanh y` would cancel.
  public static func geluTanh(_ x: UnsafeMutablePointer<Float>, count: Int) {
    mapInPlace(x, count: count, GELUTanhMap())
  }

  /// SiLU (swish), in place: `x ← x · σ(x) = x / (1 + e⁻ˣ)`; the gate activation of
  /// LLaMA-style feed-forward layers.
  public static func silu(_ x: UnsafeMutablePointer<Float>, count: Int) {
    mapInPlace(x, count: count, SiLUMap())
  }

  /// GELU (exact) over every element of `m`.
  public static func gelu(_ m: inout Matrix) {
    m.withUnsafeMutableBufferPointer { gelu($0.nonEmptyBase, count: $0.count) }
  }

  /// GELU (tanh approximation) over every element of `m`.
  public static func geluTanh(_ m: inout Matrix) {
    m.withUnsafeMutableBufferPointer { geluTanh($0.nonEmptyBase, count: $0.count) }
  }

  /// SiLU over every element of `m`.
  public static func silu(_ m: inout Matrix) {
    m.withUnsafeMutableBufferPointer { silu($0.nonEmptyBase, count: $0.count) }
  }
}

/// `x · Φ(x)`.
struct GELUMap: ElementMap {
  @inline(__always)
  func callAsFunction(_ v: Wide) -> Wide { v * SIMDMath.normalCDF(v) }
}

/// `x · σ(2·√(2/π)·(x + 0.044715·x³))`.
struct GELUTanhMap: ElementMap {
  @inline(__always)
  func callAsFunction(_ v: Wide) -> Wide {
    // 2·√(2/π) = 1.5957691…
    let t =
      v * Wide(repeating: 1.595_769_1)
      * Wide(repeating: 1).addingProduct(v * v, Wide(repeating: 0.044_715))
    return v * SIMDMath.sigmoid(t)
  }
}

/// `x · σ(x)`.
struct SiLUMap: ElementMap {
  @inline(__always)
  func callAsFunction(_ v: Wide) -> Wide { v * SIMDMath.sigmoid(v) }
}
