import Foundation

/// When a model version may take the `production` alias: its evaluation must beat the current
/// production version's on the same dataset, on one metric, by more than a margin.
///
/// The margin is relative (0.02: at least 2 % better than production), so one setting fits
/// metrics of any scale: a perplexity of 12, a judge score of 2.4.
public struct PromotionPolicy: Sendable, Hashable {
  /// The metric compared (`registry.promotion_metric`).
  public var metric: EvaluationMetric
  /// How much better, relatively, the candidate must be (`registry.promotion_margin`).
  public var margin: Double

  /// The alias promotion moves.
  public static let productionAlias = "production"
  /// The default: lower perplexity of the reference answers, by any amount. Perplexity needs no
  /// judge, so every local evaluation has it.
  public static let standard = PromotionPolicy(metric: .perplexity, margin: 0)
  /// The margins a setting may take.
  public static let marginRange = 0.0...1.0

  public init(metric: EvaluationMetric, margin: Double) {
    self.metric = metric
    self.margin = margin
  }

  /// What the gate decided, with the numbers it decided on.
  public struct Decision: Sendable, Hashable, Codable {
    public var allowed: Bool
    /// The dataset both evaluations answered, when there was a comparison.
    public var dataset: String?
    public var candidate: MetricSummary?
    public var incumbent: MetricSummary?
    /// The candidate's relative improvement over the incumbent (positive: better).
    public var improvement: Double?
    /// One sentence for people: why.
    public var reason: String
  }

  /// Decides whether `candidate` may replace `incumbent` (nil: nothing is in production yet).
  /// Each model's evaluations are compared on the newest dataset both were evaluated on.
  public func decide(
    candidate: String, evaluations candidateEvaluations: [ModelEvaluationRecord],
    incumbent: String?, evaluations incumbentEvaluations: [ModelEvaluationRecord]
  ) -> Decision {
    let scored = candidateEvaluations.filter { $0.metrics[metric] != nil }.sorted { $0.createdAt > $1.createdAt }
    guard let newest = scored.first else {
      return Decision(
        allowed: false, reason:
          "\(candidate) has no \(metric) evaluation: run `twin evaluate model --models \(candidate)\(incumbent.map { ",\($0)" } ?? "") --dataset …` first"
      )
    }
    guard let incumbent else {
      return Decision(
        allowed: true, dataset: newest.dataset, candidate: newest.metrics[metric],
        reason: "nothing is in \(Self.productionAlias) yet")
    }
    let incumbentByDataset = Dictionary(
      incumbentEvaluations.filter { $0.metrics[metric] != nil }.sorted { $0.createdAt < $1.createdAt }.map { ($0.dataset, $0) },
      uniquingKeysWith: { _, newer in newer })
    guard let mine = scored.first(where: { incumbentByDataset[$0.dataset] != nil }),
      let theirs = incumbentByDataset[mine.dataset], let a = mine.metrics[metric], let b = theirs.metrics[metric]
    else {
      return Decision(
        allowed: false, candidate: newest.metrics[metric],
        reason:
          "\(candidate) and \(incumbent) (\(Self.productionAlias)) have no \(metric) evaluation on the same dataset: run `twin evaluate model --models \(candidate),\(incumbent) --dataset \(newest.dataset)`"
      )
    }
    let scale = max(abs(b.mean), .ulpOfOne)
    let improvement = (metric.higherIsBetter ? a.mean - b.mean : b.mean - a.mean) / scale
    let allowed = improvement > margin
    let comparison = String(
      format: "%@ %@ %.4f vs %@ %.4f on %@: %+.2f%% (%@ needs more than %+.2f%%)", candidate, metric.rawValue, a.mean,
      incumbent, b.mean, mine.dataset, improvement * 100, metric.higherIsBetter ? "higher is better," : "lower is better,",
      margin * 100)
    return Decision(
      allowed: allowed, dataset: mine.dataset, candidate: a, incumbent: b, improvement: improvement, reason: comparison)
  }
}
