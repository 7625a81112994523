/// One or more training samples laid end to end in one row of tokens.
///
/// Each sample keeps its own positions (they restart at 0) and attends only to itself, so
/// packing changes the speed of training and nothing else. Row `t`'s label is the token the
/// model should predict there, `sample.tokens[t + 1]`, when that token counts toward the loss.
public struct PackedSequence: Sendable, Hashable {
  /// The token ids.
  public private(set) var tokens: [Int32] = []
  /// Each row's position within its sample.
  public private(set) var positions: [Int] = []
  /// Each row's first row of its sample (the first key it may attend to).
  public private(set) var starts: [Int] = []
  /// The rows that carry a label, ascending.
  public private(set) var labelledRows: [Int] = []
  /// The label of each row in ``labelledRows``.
  public private(set) var labels: [Int32] = []
  /// The sample each row in ``labelledRows`` belongs to.
  public private(set) var labelSamples: [Int] = []
  /// Number of samples packed.
  public private(set) var sampleCount = 0

  /// An empty sequence.
  public init() {}

  /// Appends a sample: its tokens and, for each, whether predicting it counts toward the loss
  /// (false for prompt tokens when the loss is on answers only). The first token is never
  /// predicted.
  public mutating func append(tokens sample: [Int32], trained: [Bool]) {
    precondition(sample.count == trained.count, "one flag per token")
    let start = tokens.count
    for (i, token) in sample.enumerated() {
      let row = start + i
      tokens.append(token)
      positions.append(i)
      starts.append(start)
      if i + 1 < sample.count, trained[i + 1] {
        labelledRows.append(row)
        labels.append(sample[i + 1])
        labelSamples.append(sampleCount)
      }
    }
    sampleCount += 1
  }

  /// The number of rows.
  public var count: Int { tokens.count }

  /// The samples of `self` followed by those of `other`, renumbered: one pass over the result
  /// computes what passes over each would (samples never attend across), with larger products.
  public func appending(_ other: PackedSequence) -> PackedSequence {
    var out = self
    let offset = count
    out.tokens += other.tokens
    out.positions += other.positions
    out.starts += other.starts.map { $0 + offset }
    out.labelledRows += other.labelledRows.map { $0 + offset }
    out.labels += other.labels
    out.labelSamples += other.labelSamples.map { $0 + sampleCount }
    out.sampleCount += other.sampleCount
    return out
  }

}
