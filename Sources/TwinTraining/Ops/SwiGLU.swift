import Foundation
import TwinTensor

/// The gated activation of the Llama feed-forward block, elementwise:
///
///     h = SiLU(g) ⊙ u,   SiLU(g) = g σ(g)
///
/// Backward: `∂u = ∂h SiLU(g)` and `∂g = ∂h u σ(g) (1 + g (1 − σ(g)))`.
public enum SwiGLU {
  /// `h = SiLU(gate) ⊙ up`.
  public static func forward(gate: Tensor, up: Tensor, into h: Tensor) {
    Parallel.forRange(h.count, minChunk: 16_384) { range in
      for i in range {
        let g = gate.data[i]
        h.data[i] = g / (1 + expf(-g)) * up.data[i]
      }
    }
  }

  /// Writes `∂gate` and `∂up` for the upstream `dh`.
  public static func backward(_ dh: Tensor, gate: Tensor, up: Tensor, gateGradient: Tensor, upGradient: Tensor) {
    Parallel.forRange(dh.count, minChunk: 16_384) { range in
      for i in range {
        let g = gate.data[i]
        let s = 1 / (1 + expf(-g))
        let d = dh.data[i]
        upGradient.data[i] = d * g * s
        gateGradient.data[i] = d * up.data[i] * s * (1 + g * (1 - s))
      }
    }
  }
}
