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
}
