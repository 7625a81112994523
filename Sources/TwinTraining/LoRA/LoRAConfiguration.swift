/// The shape of a LoRA adapter: rank, scaling, dropout and which projections carry it.
public struct LoRAConfiguration: Codable, Sendable, Hashable {
  /// The rank `r` of each update `B A`.
  public var rank: Int
  /// `α`: the update is scaled by `α / r`.
  public var alpha: Float
  /// Dropout on the adapter's input during training, in `0..<1`.
  public var dropout: Float
  /// The adapted projections (all attention and MLP projections by default).
  public var targets: [Projection]

  /// The Handbook's adapter: r = 32, α = 32, no dropout, every projection.
  public init(rank: Int = 32, alpha: Float = 32, dropout: Float = 0, targets: [Projection] = Projection.allCases) {
    self.rank = rank
    self.alpha = alpha
    self.dropout = dropout
    self.targets = targets
  }

  /// `α / r`, the factor on `B A x`.
  public var scale: Float { alpha / Float(rank) }

  /// Throws ``TrainingError/invalidSetting(name:reason:)`` naming the first field out of range.
  public func validate() throws(TrainingError) {
    guard (1...1024).contains(rank) else { throw .invalidSetting(name: "lora rank", reason: "\(rank) is not in 1…1024") }
    guard alpha > 0, alpha.isFinite else { throw .invalidSetting(name: "lora alpha", reason: "\(alpha) is not positive") }
    guard (0..<1).contains(dropout) else { throw .invalidSetting(name: "lora dropout", reason: "\(dropout) is not in [0, 1)") }
    guard !targets.isEmpty else { throw .invalidSetting(name: "lora targets", reason: "no projection is targeted") }
  }
}
