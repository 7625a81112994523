import Testing
import TwinTestSupport
import TwinTraining

/// The whole model's LoRA gradients against finite differences of its loss, and the properties
/// training relies on: checkpointing changes nothing, packing isolates samples, the adapter
/// switches off cleanly, and the same seed gives the same numbers.
@Suite struct ModelGradientTests {
  /// `L = Σᵢ cᵢ log p(labelᵢ)` with fixed random `c`.
  static func loss(_ model: LoRADecoder, _ sequence: PackedSequence, _ c: [Float], dropoutSeed: UInt64? = nil) -> Double {
    let pass = model.forward(sequence, options: .init(dropoutSeed: dropoutSeed))
    return zip(pass.tokenLogProbabilities, c).reduce(0) { $0 + Double($1.0) * Double($1.1) }
  }

  @Test(arguments: [(false, Float(0)), (true, 0), (false, 0.3)])
  func loraGradientsMatchFiniteDifferences(tied: Bool, dropout: Float) {
    let weights = RandomModel.weights(seed: 21, tied: tied)
    let adapter = RandomModel.adapter(for: weights, seed: 22, dropout: dropout)
    let model = LoRADecoder(weights: weights, adapter: adapter)
    let sequence = RandomModel.sequence(seed: 23)
    var rng = SplitMix64(seed: 24)
    let c = rng.floats(sequence.labelledRows.count, in: -1...1)
    let seed: UInt64? = dropout > 0 ? 99 : nil
    adapter.zeroGradients()
    let pass = model.forward(sequence, options: .init(dropoutSeed: seed))
    model.backward(pass, upstream: c)
    for p in adapter.parameters {
      let indices = GradientCheck.sample(p.value.count, count: 12)
      let numeric = GradientCheck.numeric(p.value, indices: indices, step: 1e-2) {
        Self.loss(model, sequence, c, dropoutSeed: seed)
      }
      GradientCheck.expectClose(analytic: indices.map { Double(p.gradient.data[$0]) }, numeric: numeric, p.name)
    }
  }

  @Test func checkpointingGivesTheSameGradients() {
    let weights = RandomModel.weights(seed: 31)
    let adapter = RandomModel.adapter(for: weights, seed: 32, dropout: 0.2)
    let model = LoRADecoder(weights: weights, adapter: adapter)
    let sequence = RandomModel.sequence(seed: 33)
    let c = [Float](repeating: -0.1, count: sequence.labelledRows.count)
    var runs: [[[Float]]] = []
    for checkpointing in [false, true] {
      adapter.zeroGradients()
      let pass = model.forward(sequence, options: .init(dropoutSeed: 5, checkpointing: checkpointing))
      model.backward(pass, upstream: c)
      runs.append(adapter.parameters.map(\.gradient.values))
    }
    #expect(runs[0] == runs[1])
  }

  @Test func theFusedHeadGivesTheSameGradients() {
    let weights = RandomModel.weights(seed: 35)
    let adapter = RandomModel.adapter(for: weights, seed: 36)
    let model = LoRADecoder(weights: weights, adapter: adapter)
    let sequence = RandomModel.sequence(seed: 37)
    var rng = SplitMix64(seed: 38)
    let c = rng.floats(sequence.labelledRows.count, in: -1...1)
    var runs: [[[Float]]] = []
    for fused in [false, true] {
      adapter.zeroGradients()
      let pass = model.forward(sequence, upstream: fused ? c : nil)
      model.backward(pass, upstream: c)
      runs.append(adapter.parameters.map(\.gradient.values))
    }
    for (a, b) in zip(runs[0], runs[1]) {
      #expect(zip(a, b).allSatisfy { abs($0 - $1) <= 1e-6 * max(1, abs($0)) })
    }
  }

  @Test func packedSamplesDoNotSeeEachOther() {
    let weights = RandomModel.weights(seed: 41)
    let model = LoRADecoder(weights: weights, adapter: RandomModel.adapter(for: weights, seed: 42))
    let packed = RandomModel.sequence(seed: 43)
    // The second sample alone gives the same log-probabilities as inside the pack.
    let secondTokens = Array(packed.tokens[9...])
    var alone = PackedSequence()
    alone.append(tokens: secondTokens, trained: secondTokens.map { _ in true })
    let inPack = model.forward(packed).tokenLogProbabilities.suffix(5)
    let single = model.forward(alone).tokenLogProbabilities
    for (a, b) in zip(inPack, single) { #expect(abs(a - b) <= 1e-5) }
  }

  @Test func adapterOffIsTheBaseModelAndZeroBChangesNothing() {
    let weights = RandomModel.weights(seed: 51)
    let trained = RandomModel.adapter(for: weights, seed: 52)
    let fresh = LoRAAdapter(shape: weights.shape, configuration: LoRAConfiguration(rank: 3, alpha: 6), seed: 52)
    let sequence = RandomModel.sequence(seed: 53)
    let off = LoRADecoder(weights: weights, adapter: trained).forward(sequence, options: .init(adapterEnabled: false))
    let on = LoRADecoder(weights: weights, adapter: trained).forward(sequence)
    let zeroB = LoRADecoder(weights: weights, adapter: fresh).forward(sequence)
    #expect(off.tokenLogProbabilities == zeroB.tokenLogProbabilities)
    #expect(off.tokenLogProbabilities != on.tokenLogProbabilities)
  }

  @Test func aSeedFixesTheAdapterAndTheDropout() {
    let weights = RandomModel.weights(seed: 61)
    let a = RandomModel.adapter(for: weights, seed: 62, dropout: 0.3)
    let b = RandomModel.adapter(for: weights, seed: 62, dropout: 0.3)
    #expect(a.parameters.map(\.value.values) == b.parameters.map(\.value.values))
    let sequence = RandomModel.sequence(seed: 63)
    let first = LoRADecoder(weights: weights, adapter: a).forward(sequence, options: .init(dropoutSeed: 1))
    let again = LoRADecoder(weights: weights, adapter: b).forward(sequence, options: .init(dropoutSeed: 1))
    let other = LoRADecoder(weights: weights, adapter: b).forward(sequence, options: .init(dropoutSeed: 2))
    #expect(first.tokenLogProbabilities == again.tokenLogProbabilities)
    #expect(first.tokenLogProbabilities != other.tokenLogProbabilities)
  }
}
