import Foundation

/// A measure of a model's answers to an evaluation set: the Handbook's two judge scores and the
/// measures that need no judge.
public enum EvaluationMetric: String, Sendable, Hashable, Codable, CaseIterable, CodingKeyRepresentable,
  CustomStringConvertible
{
  /// The judge's 1–3 score of factual accuracy against the reference answer.
  case accuracy
  /// The judge's 1–3 score of style: accessible, blog-like, not academic.
  case style
  /// Perplexity of the reference answers under the model (needs the model's own weights).
  case perplexity
  /// Cosine similarity of the answer's embedding to the reference answer's.
  case similarity
  /// ROUGE-L F-measure of the answer against the reference answer.
  case rougeL = "rouge_l"
  /// How much nearer the answer's embedding is to its author's centroid than to other authors'.
  case styleMatch = "style_match"

  /// Whether larger values are better (all but perplexity).
  public var higherIsBetter: Bool { self != .perplexity }

  /// Whether a judge model produces it.
  public var needsJudge: Bool { self == .accuracy || self == .style }

  public var description: String { rawValue }

  /// Parses a metric's name (`rouge_l`), naming the known ones when it is none of them.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)``.
  public init(parsing text: String) throws {
    guard let metric = Self(rawValue: text.lowercased()) else {
      throw TwinError.invalidInput(
        "'\(text)' is not an evaluation metric: use one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    self = metric
  }
}

/// A metric's mean over an evaluation set, with its 95 % confidence interval (Student's t).
public struct MetricSummary: Sendable, Hashable, Codable {
  public var mean: Double
  /// The interval's ends; equal to the mean when there is one value.
  public var lower: Double
  public var upper: Double
  /// Values the mean is taken over.
  public var count: Int

  public init(mean: Double, lower: Double, upper: Double, count: Int) {
    self.mean = mean
    self.lower = lower
    self.upper = upper
    self.count = count
  }

  /// The mean of `values` and its 95 % interval, `mean ± t(0.975, n−1)·s/√n`; nil when empty.
  /// Non-finite values are left out.
  public init?(values: [Double]) {
    let finite = values.filter(\.isFinite)
    guard !finite.isEmpty else { return nil }
    let n = Double(finite.count)
    let mean = finite.reduce(0, +) / n
    guard finite.count > 1 else {
      self.init(mean: mean, lower: mean, upper: mean, count: 1)
      return
    }
    let variance = finite.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / (n - 1)
    let half = Self.tCritical(degreesOfFreedom: finite.count - 1) * (variance / n).squareRoot()
    self.init(mean: mean, lower: mean - half, upper: mean + half, count: finite.count)
  }

  /// The two-sided 95 % critical value of Student's t for `degreesOfFreedom` ≥ 1.
  static func tCritical(degreesOfFreedom df: Int) -> Double {
    // Exact to three decimals up to 30 degrees of freedom; beyond, interpolated in 1/df towards
    // the normal's 1.960, which is within 0.002 of the true value.
    let table: [Double] = [
      12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160, 2.145, 2.131,
      2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
    ]
    if df <= table.count { return table[max(df, 1) - 1] }
    return 1.960 + (2.042 - 1.960) * 30 / Double(df)
  }

  /// `2.41 ± 0.12`.
  public func formatted(decimals: Int = 3) -> String {
    String(format: "%.\(decimals)f ± %.\(decimals)f", mean, (upper - lower) / 2)
  }
}

/// One evaluation of one model on one dataset, attached to the model in the registry.
public struct ModelEvaluationRecord: Sendable, Hashable, Codable {
  /// The model evaluated: a registry label (`twin-sft@2`) or a catalog model.
  public var model: String
  /// The dataset version whose test split was answered (`instruct@3`).
  public var dataset: String
  /// The experiment run that holds the answers and scores.
  public var runID: UUID
  public var metrics: [EvaluationMetric: MetricSummary]
  public var createdAt: Date

  public init(model: String, dataset: String, runID: UUID, metrics: [EvaluationMetric: MetricSummary], createdAt: Date) {
    self.model = model
    self.dataset = dataset
    self.runID = runID
    self.metrics = metrics
    self.createdAt = createdAt
  }
}
