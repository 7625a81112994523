import Foundation
import TwinTensor

/// GELU (tanh approximation) the way llama.cpp evaluates it on the CPU: through a table indexed
/// by the input rounded to `f16`, holding the result rounded to `f16`.
///
/// ggml builds this table once (65,536 entries) and looks every activation up in it, with
/// inputs beyond ±10 passed through (`x`) or zeroed. The table's rounding moves each gate value
/// by up to half an `f16` ulp; small as that is, the 8-bit quantisation of the next matrix
/// product turns such differences into different integers and, a few layers on, into different
/// greedy tokens. Computing GELU exactly would be more accurate and less faithful: Gemma's
/// reference outputs are llama.cpp's.
enum HalfPrecisionGELU {
  /// `table[b]` is GELU of the `f16` value with bit pattern `b`, rounded to `f16`.
  static let table: [Float] = (0...Int(UInt16.max)).map { bits in
    let x = Float(Float16(bitPattern: UInt16(bits)))
    guard x.isFinite else { return x }
    let inner = 0.797_884_56 * x * (1 + 0.044_715 * x * x)
    return Float(Float16(0.5 * x * (1 + tanhf(inner))))
  }

  /// `x ← GELU(x)` for `count` values.
  static func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
    table.withUnsafeBufferPointer { table in
      Parallel.forRange(count, minChunk: 1 << 14) { range in
        for i in range {
          let v = x[i]
          if v <= -10 {
            x[i] = 0
          } else if v < 10 {
            x[i] = table[Int(Float16(v).bitPattern)]
          }
        }
      }
    }
  }
}
