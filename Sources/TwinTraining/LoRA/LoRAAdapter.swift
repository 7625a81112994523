import TwinLLM

import Foundation
import TwinCore

/// One adapted projection's trainable pair and its gradients: `A [r × in]`, `B [out × r]`.
public final class LoRAPair: @unchecked Sendable {
  /// The down projection `A`, `[r × in]`.
  public let a: Tensor
  /// The up projection `B`, `[out × r]`.
  public let b: Tensor
  /// `∂L/∂A`, accumulated by backward passes until ``LoRAAdapter/zeroGradients()``.
  public let gradA: Tensor
  /// `∂L/∂B`.
  public let gradB: Tensor
  /// `α / r`.
  public let scale: Float

  /// A pair of zeros for a `[out × in]` projection.
  public init(rank: Int, out: Int, in inputs: Int, scale: Float) {
    a = Tensor(rows: rank, cols: inputs)
    b = Tensor(rows: out, cols: rank)
    gradA = Tensor(rows: rank, cols: inputs)
    gradB = Tensor(rows: out, cols: rank)
    self.scale = scale
  }

  /// The rank `r`.
  public var rank: Int { a.rows }
}

/// The trainable part of a model: a ``LoRAPair`` per layer and targeted projection.
public final class LoRAAdapter: @unchecked Sendable {
  /// Rank, α, dropout and targets.
  public let configuration: LoRAConfiguration
  /// `layers[i][p]`: layer `i`'s pair for projection `p` (absent when `p` is not targeted).
  public let layers: [[Projection: LoRAPair]]

  /// An adapter initialised as peft does by default: `A` uniform in `±1/√in` (Kaiming-uniform
  /// with `a = √5`), `B` zero, so the adapted model starts equal to the base. Draws come from
  /// `seed`, layer by layer and projection by projection in ``Projection`` order.
  public init(shape: Hyperparameters, configuration: LoRAConfiguration, seed: UInt64) {
    self.configuration = configuration
    var random = RandomSource(seed: seed)
    layers = (0..<shape.layers).map { _ in
      var pairs: [Projection: LoRAPair] = [:]
      for p in Projection.allCases where configuration.targets.contains(p) {
        let (out, inputs) = p.dimensions(shape)
        let pair = LoRAPair(rank: configuration.rank, out: out, in: inputs, scale: configuration.scale)
        let bound = 1 / Float(inputs).squareRoot()
        for i in 0..<pair.a.count { pair.a.data[i] = Float(random.unit() * 2 - 1) * bound }
        pairs[p] = pair
      }
      return pairs
    }
  }

  /// Every trainable matrix with its gradient and peft's tensor name, in a fixed order
  /// (layer, then projection, then A before B): the optimiser's and the files' order.
  public var parameters: [(name: String, value: Tensor, gradient: Tensor)] {
    layers.enumerated().flatMap { i, pairs in
      Projection.allCases.compactMap { p in pairs[p].map { (p, $0) } }.flatMap { p, pair in
        let prefix = "base_model.model.model.layers.\(i).\(p.modulePath)"
        return [(prefix + ".lora_A.weight", pair.a, pair.gradA), (prefix + ".lora_B.weight", pair.b, pair.gradB)]
      }
    }
  }

  /// Sets every gradient to zero.
  public func zeroGradients() {
    for p in parameters { p.gradient.zero() }
  }
}
