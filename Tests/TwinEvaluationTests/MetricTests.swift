import Foundation
import Testing
import TwinCore
import TwinEvaluation

@Suite struct RougeLTests {
  @Test func handComputedCase() {
    // Answer: the cat sat on the mat (6 words); reference: the cat is on the mat (6 words).
    // LCS "the cat on the mat" = 5: P = R = 5/6, F = 5/6.
    #expect(abs(RougeL.score("The cat sat on the mat.", reference: "the cat is on the mat") - 5.0 / 6.0) < 1e-12)
  }

  @Test func unequalLengths() {
    // Answer "a b c d" (4), reference "a c" (2): LCS 2, P = 0.5, R = 1, F = 2·0.5·1/1.5 = 2/3.
    #expect(abs(RougeL.score("a b c d", reference: "a c") - 2.0 / 3.0) < 1e-12)
  }

  @Test func orderMatters() {
    // "c b a" against "a b c": every LCS has length 1, so P = R = F = 1/3.
    #expect(abs(RougeL.score("c b a", reference: "a b c") - 1.0 / 3.0) < 1e-12)
  }

  @Test func emptyAndDisjoint() {
    #expect(RougeL.score("", reference: "a b") == 0)
    #expect(RougeL.score("x y", reference: "a b") == 0)
    #expect(RougeL.score("Same words", reference: "same, words!") == 1)
  }
}

@Suite struct StyleMatchTests {
  @Test func centroidsAndMargins() throws {
    let match = StyleMatch(references: [
      ("ann", [1, 0, 0]), ("ann", [0, 1, 0]), ("bob", [0, 0, 1]),
    ])
    // Ann's centroid (0.5, 0.5, 0); an answer along x: cos to Ann = 1/√2, cos to Bob = 0.
    let score = try #require(match.score([1, 0, 0], author: "ann"))
    #expect(abs(score - 1 / 2.0.squareRoot()) < 1e-6)
    // The same answer written for Bob: 0 − 1/√2.
    #expect(abs(try #require(match.score([1, 0, 0], author: "bob")) + 1 / 2.0.squareRoot()) < 1e-6)
    #expect(match.score([1, 0, 0], author: "carol") == nil)
  }

  @Test func oneAuthorIsTheCosine() throws {
    let match = StyleMatch(references: [("ann", [3, 4])])
    #expect(abs(try #require(match.score([4, 3], author: "ann")) - 24.0 / 25.0) < 1e-6)
  }
}

@Suite struct MetricSummaryTests {
  @Test func studentTInterval() throws {
    // 1, 2, 3: mean 2, s = 1, t(0.975, 2) = 4.303: half-width 4.303/√3 = 2.4844.
    let s = try #require(MetricSummary(values: [1, 2, 3]))
    #expect(s.mean == 2)
    #expect(abs((s.upper - s.mean) - 4.303 / 3.0.squareRoot()) < 1e-9)
    #expect(s.count == 3)
  }

  @Test func nonFiniteValuesAreLeftOut() throws {
    let s = try #require(MetricSummary(values: [.nan, 5, .infinity]))
    #expect(s.mean == 5 && s.lower == 5 && s.upper == 5 && s.count == 1)
    #expect(MetricSummary(values: [.nan]) == nil)
  }
}

@Suite struct PromotionPolicyTests {
  func record(_ model: String, _ dataset: String, _ metric: EvaluationMetric, _ mean: Double, at seconds: Double) -> ModelEvaluationRecord {
    ModelEvaluationRecord(
      model: model, dataset: dataset, runID: UUID(),
      metrics: [metric: MetricSummary(mean: mean, lower: mean, upper: mean, count: 1)], createdAt: Date(timeIntervalSince1970: seconds))
  }

  @Test func lowerPerplexityWinsByMoreThanTheMargin() {
    let policy = PromotionPolicy(metric: .perplexity, margin: 0.05)
    let incumbent = [record("m@1", "instruct@1", .perplexity, 10, at: 1)]
    // 9.6 is 4 % better: refused, with both numbers in the reason.
    let refused = policy.decide(
      candidate: "m@2", evaluations: [record("m@2", "instruct@1", .perplexity, 9.6, at: 2)], incumbent: "m@1",
      evaluations: incumbent)
    #expect(!refused.allowed)
    #expect(refused.reason.contains("9.6000") && refused.reason.contains("10.0000"))
    #expect(abs((refused.improvement ?? 0) - 0.04) < 1e-12)
    // 9 is 10 % better: allowed.
    let allowed = policy.decide(
      candidate: "m@2", evaluations: [record("m@2", "instruct@1", .perplexity, 9, at: 2)], incumbent: "m@1",
      evaluations: incumbent)
    #expect(allowed.allowed)
  }

  @Test func higherIsBetterForJudgeScores() {
    let policy = PromotionPolicy(metric: .accuracy, margin: 0)
    let decision = policy.decide(
      candidate: "m@2", evaluations: [record("m@2", "d@1", .accuracy, 2.0, at: 2)], incumbent: "m@1",
      evaluations: [record("m@1", "d@1", .accuracy, 2.5, at: 1)])
    #expect(!decision.allowed)
    #expect((decision.improvement ?? 0) < 0)
  }

  @Test func comparesOnlyOnTheSameDataset() {
    let policy = PromotionPolicy.standard
    let decision = policy.decide(
      candidate: "m@2", evaluations: [record("m@2", "d@2", .perplexity, 1, at: 2)], incumbent: "m@1",
      evaluations: [record("m@1", "d@1", .perplexity, 50, at: 1)])
    #expect(!decision.allowed)
    #expect(decision.reason.contains("same dataset"))
  }

  @Test func firstPromotionNeedsAnEvaluation() {
    let policy = PromotionPolicy.standard
    #expect(!policy.decide(candidate: "m@1", evaluations: [], incumbent: nil, evaluations: []).allowed)
    #expect(
      policy.decide(candidate: "m@1", evaluations: [record("m@1", "d@1", .perplexity, 3, at: 1)], incumbent: nil, evaluations: [])
        .allowed)
  }
}
