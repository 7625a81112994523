import Foundation
import Testing
import TwinLLM

@Suite struct SamplerTests {
  let logits: [Float] = [1.0, 3.0, 2.5, -1.0, 0.5, 2.9]

  @Test func greedyTakesTheArgmax() {
    var sampler = Sampler(.greedy)
    var l = logits
    #expect(sampler.sample(&l) == 1)
  }

  @Test func aSeedReproducesTheDraws() {
    let params = SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 7)
    func draws() -> [Int32] {
      var sampler = Sampler(params)
      return (0..<50).map { _ in
        var l = logits
        return sampler.sample(&l)
      }
    }
    #expect(draws() == draws())
    var other = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, seed: 8))
    let otherDraws = (0..<50).map { _ in
      var l = logits
      return other.sample(&l)
    }
    #expect(otherDraws != draws())
  }

  @Test func drawsFollowTheSoftmax() {
    var sampler = Sampler(SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0, penaltyWindow: 0, seed: 1))
    var counts = [Int](repeating: 0, count: logits.count)
    let n = 40_000
    for _ in 0..<n {
      var l = logits
      counts[Int(sampler.sample(&l))] += 1
    }
    let z = logits.map { exp(Double($0)) }.reduce(0, +)
    for (i, l) in logits.enumerated() {
      let expected = exp(Double(l)) / z
      #expect(abs(Double(counts[i]) / Double(n) - expected) < 0.01, "token \(i)")
    }
  }

  @Test func topKTopPAndMinPCutTheTail() {
    for params in [
      SamplingParameters(temperature: 1, topK: 2, topP: 1, minP: 0, seed: 3),
      SamplingParameters(temperature: 1, topK: 0, topP: 0.5, minP: 0, seed: 3),
      SamplingParameters(temperature: 1, topK: 0, topP: 1, minP: 0.9, seed: 3),
    ] {
      var sampler = Sampler(params)
      var seen = Set<Int32>()
      for _ in 0..<500 {
        var l = logits
        seen.insert(sampler.sample(&l))
      }
      #expect(seen.isSubset(of: [1, 5]), "\(params): \(seen)")
    }
  }

  @Test func penaltiesDiscourageRepeats() {
    var sampler = Sampler(SamplingParameters(temperature: 0, repetitionPenalty: 1.5))
    sampler.observe([1])
    var l = logits
    // 3.0 / 1.5 = 2.0 falls below token 5's 2.9.
    #expect(sampler.sample(&l) == 5)
    var presence = Sampler(SamplingParameters(temperature: 0, presencePenalty: 0.5, frequencyPenalty: 0.25))
    presence.observe([1, 1, 5])
    var m = logits
    // token 1: 3.0 - 2×0.25 - 0.5 = 2.0; token 5: 2.9 - 0.25 - 0.5 = 2.15; token 2 keeps 2.5.
    #expect(presence.sample(&m) == 2)
    #expect(abs(m[1] - 2.0) < 1e-5 && abs(m[5] - 2.15) < 1e-5)
  }

  @Test func allowedTokensConstrainTheChoice() {
    var sampler = Sampler(.greedy)
    var l = logits
    #expect(sampler.sample(&l, allowed: [3, 4]) == 4)
  }

  @Test func topLogProbabilitiesAreNormalised() {
    let top = Sampler.topLogProbabilities(logits, count: 3)
    #expect(top.map(\.token) == [1, 5, 2])
    let all = Sampler.topLogProbabilities(logits, count: logits.count)
    #expect(abs(all.map { exp(Double($0.logprob)) }.reduce(0, +) - 1) < 1e-5)
  }

  @Test func invalidParametersAreNamed() {
    #expect(throws: SamplingError.self) { try SamplingParameters(temperature: -1).validate() }
    #expect(throws: SamplingError.self) { try SamplingParameters(topP: 0).validate() }
    #expect(throws: Never.self) { try SamplingParameters().validate() }
  }
}
