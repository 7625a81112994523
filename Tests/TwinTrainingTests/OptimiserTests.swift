import Foundation
import Testing
import TwinTraining

/// AdamW, the schedule, clipping and the DPO objective on hand-computed cases.
@Suite struct OptimiserTests {
  @Test func adamWFirstStepsMatchTheFormula() {
    let theta = Tensor(rows: 1, cols: 2, values: [1, -2])
    let grad = Tensor(rows: 1, cols: 2, values: [0.5, 0.25])
    let adam = AdamW(settings: .init(weightDecay: 0.1), parameters: [theta])
    adam.step([(theta, grad)], learningRate: 0.01)
    // Step 1: m̂ = g, v̂ = g², so the update is lr · g/(|g| + ε) = ±lr, after decay θ(1 − lr λ).
    let expected0 = 1 * (1 - 0.001) - 0.01 * 0.5 / (0.5 + 1e-8)
    let expected1 = -2 * (1 - 0.001) - 0.01 * 0.25 / (0.25 + 1e-8)
    #expect(abs(Double(theta[0, 0]) - expected0) < 1e-6)
    #expect(abs(Double(theta[0, 1]) - expected1) < 1e-6)
    // Step 2 with the same gradient: m̂ and v̂ are still g and g², another ±lr.
    adam.step([(theta, grad)], learningRate: 0.01)
    #expect(abs(Double(theta[0, 0]) - (expected0 * 0.999 - 0.01)) < 1e-6)
    #expect(adam.steps == 2)
  }

  @Test func linearScheduleWithWarmup() {
    let s = LearningRateSchedule(peak: 3e-4, warmupSteps: 10, totalSteps: 110)
    #expect(s.rate(at: 0) == 0)
    #expect(abs(s.rate(at: 5) - 1.5e-4) < 1e-10)
    #expect(s.rate(at: 10) == 3e-4)
    #expect(abs(s.rate(at: 60) - 1.5e-4) < 1e-10)
    #expect(s.rate(at: 110) == 0)
    #expect(s.rate(at: 200) == 0)
  }

  @Test func clippingScalesToTheMaximumNorm() {
    let a = Tensor(rows: 1, cols: 2, values: [3, 0])
    let b = Tensor(rows: 1, cols: 1, values: [4])
    let norm = clipGradientNorm([a, b], maxNorm: 1)
    #expect(norm == 5)
    #expect(abs(a[0, 0] - 0.6) < 1e-5 && abs(b[0, 0] - 0.8) < 1e-5)
    let small = Tensor(rows: 1, cols: 1, values: [0.5])
    clipGradientNorm([small], maxNorm: 1)
    #expect(small[0, 0] == 0.5)
  }

  @Test func preferenceLossAndItsGradient() {
    let beta = 0.5
    func loss(_ pc: Double, _ pr: Double) -> Double {
      Objective.preference(
        policyChosen: pc, policyRejected: pr, referenceChosen: -10, referenceRejected: -12, beta: beta, pairsInStep: 2
      ).loss
    }
    let r = Objective.preference(
      policyChosen: -9, policyRejected: -13, referenceChosen: -10, referenceRejected: -12, beta: beta, pairsInStep: 2)
    // z = 0.5 ((−9 + 10) − (−13 + 12)) = 1;  L = log(1 + e⁻¹) / 2.
    #expect(abs(r.margin - 1) < 1e-12)
    #expect(abs(r.loss - log1p(exp(-1)) / 2) < 1e-12)
    let h = 1e-5
    #expect(abs(Double(r.chosenUpstream) - (loss(-9 + h, -13) - loss(-9 - h, -13)) / (2 * h)) < 1e-6)
    #expect(abs(Double(r.rejectedUpstream) - (loss(-9, -13 + h) - loss(-9, -13 - h)) / (2 * h)) < 1e-6)
    // Large margins stay finite.
    #expect(Objective.preference(
      policyChosen: 0, policyRejected: -1e4, referenceChosen: 0, referenceRejected: 0, beta: 1, pairsInStep: 1).loss == 0)
  }
}
