import Foundation
import Testing
import TwinCore
import TwinGGUF
import TwinLLM
import TwinTestSupport
import TwinTraining

/// The training model with an untrained adapter computes what the inference engine computes
/// (which is checked against llama.cpp elsewhere): the dequantised training layout, the
/// un-permuted q/k rows and the rotary layout agree with the engine's own.
@Suite struct EngineAgreementTests {
  @Test func trainingForwardEqualsTheInferenceEngine() async throws {
    var rng = SplitMix64(seed: 3)
    let ids = (0..<24).map { _ in Int32(3 + rng.below(49_000)) }
    // Off the cooperative pool: seconds of model work would stall other suites.
    let (logits, expected, tied, vocabulary) = try await BlockingWork.run {
      let url = try PulledModels.file("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
      let file = try GGUFFile(url: url)
      let engine = try LlamaModel(file: file)
      let weights = try FrozenDecoderWeights(file: file)
      let model = LoRADecoder(
        weights: weights, adapter: LoRAAdapter(shape: weights.shape, configuration: LoRAConfiguration(rank: 2), seed: 1))
      let expected = try engine.forward(
        ids, cache: KVCache(hyperparameters: engine.hyperparameters, capacity: ids.count), allLogits: true)
      var sequence = PackedSequence()
      sequence.append(tokens: ids, trained: ids.map { _ in true })
      return (model.logits(model.forward(sequence)).values, expected, weights.tiedOutput, weights.shape.vocabulary)
    }
    #expect(tied)
    #expect(logits.count == expected.count)
    // The engine quantises activations to 8 bits in its products (as llama.cpp does), so the
    // logits agree closely, not exactly; a wrong q/k row order or rotary layout would leave
    // them unrelated. (Against transformers in f32 the agreement is exact: TorchReferenceTests.)
    let v = vocabulary
    var agree = 0
    var worstCosine = 1.0
    for t in 0..<ids.count {
      let a = Array(logits[(t * v)..<((t + 1) * v)])
      let b = Array(expected[(t * v)..<((t + 1) * v)])
      if a.indices.max(by: { a[$0] < a[$1] }) == b.indices.max(by: { b[$0] < b[$1] }) { agree += 1 }
      worstCosine = min(worstCosine, TorchReferenceTests.cosine(a, b))
    }
    #expect(worstCosine >= 0.99, "worst per-position logit cosine \(worstCosine)")
    #expect(agree * 4 >= ids.count * 3, "top-1 agrees at \(agree) of \(ids.count) positions")
    print("engine agreement: top-1 \(agree)/\(ids.count), worst cosine \(worstCosine)")
  }
}
