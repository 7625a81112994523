/// How an index measures closeness between vectors.
///
/// Every metric is expressed as a *distance*, lower meaning closer, so that one search algorithm
/// serves all three; ``similarity(fromDistance:)`` turns a distance back into the
/// higher-is-better score shown to users.
public enum VectorMetric: String, Sendable, Codable, CaseIterable {
  /// Cosine distance `1 − cos(a, b)`, in `[0, 2]`.
  ///
  /// Vectors are L2-normalised when they are added and queries when they are searched, so the
  /// distance is computed as `1 − a·b` without dividing by norms in the hot loop.
  case cosine
  /// Negative inner product `−a·b` (maximum inner-product search). Vectors are stored as given.
  case dot
  /// Squared Euclidean distance `‖a − b‖²` (squared: the ranking is the same and the square
  /// root would cost a division-class instruction per candidate).
  case l2
}

extension VectorMetric {
  /// The higher-is-better score for a distance under this metric: `1 − d` for cosine (the cosine
  /// similarity), `−d` for dot (the inner product) and `−√d` for L2 (the negated Euclidean
  /// distance).
  public func similarity(fromDistance d: Float) -> Float {
    switch self {
    case .cosine: 1 - d
    case .dot: -d
    case .l2: -max(d, 0).squareRoot()
    }
  }

  /// The byte that identifies the metric in a snapshot; stable across releases.
  var snapshotCode: UInt8 {
    switch self {
    case .cosine: 0
    case .dot: 1
    case .l2: 2
    }
  }

  /// The metric a snapshot byte names, or nil for an unknown byte.
  init?(snapshotCode: UInt8) {
    switch snapshotCode {
    case 0: self = .cosine
    case 1: self = .dot
    case 2: self = .l2
    default: return nil
    }
  }
}
