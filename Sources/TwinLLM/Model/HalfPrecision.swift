import TwinGGUF
import TwinTensor

/// Rounding through half precision, where llama.cpp computes in `f16`.
///
/// llama.cpp keeps the KV cache in f16 and multiplies queries and attention probabilities in
/// f16 too. Those roundings move logits by a few hundredths, enough to flip the argmax between
/// near-tied tokens; rounding the same values the same way keeps greedy output identical.
enum HalfPrecision {
  static func round(_ x: UnsafeMutablePointer<Float>, count: Int) {
    Parallel.forRange(count, minChunk: 1 << 14) { range in
      for i in range { x[i] = Float(Float16(x[i])) }
    }
  }

  /// `count` values of `x` rounded to `f16` into `y` (the KV cache).
  static func store(_ x: UnsafePointer<Float>, count: Int, into y: UnsafeMutablePointer<Float16>) {
    Parallel.forRange(count, minChunk: 1 << 14) { range in
      for i in range { y[i] = Float16(x[i]) }
    }
  }

  /// Eight `f16` values at `p` widened to `Float` (exactly), with the GGUF kernels' conversion.
  @_transparent
  static func load8(_ p: UnsafePointer<Float16>) -> SIMD8<Float> {
    HalfFloat.floats(at: UnsafeRawPointer(p))
  }

  /// Sixteen `f16` values at `p` widened to `Float`, as ``load8(_:)``.
  @_transparent
  static func load16(_ p: UnsafePointer<Float16>) -> SIMD16<Float> {
    SIMD16<Float>(lowHalf: load8(p), highHalf: load8(p + 8))
  }
}
