import TwinCore

/// Orders samples for an epoch and lays them into sequences.
///
/// The order is a seeded shuffle per epoch, so one seed gives one order and a resumed run sees
/// the same sequences as an uninterrupted one. With packing, samples are laid end to end up to
/// the maximum length (each still attends only to itself, see ``PackedSequence``); without it,
/// each sample is a sequence. A sample longer than the maximum is cut to it.
public struct SequencePacker: Sendable {
  /// The longest sequence, in tokens.
  public var maxLength: Int
  /// Whether several samples share a sequence.
  public var packing: Bool
  /// The shuffle's seed.
  public var seed: UInt64

  /// A packer with these settings.
  public init(maxLength: Int, packing: Bool, seed: UInt64) {
    self.maxLength = maxLength
    self.packing = packing
    self.seed = seed
  }

  /// The sequences of epoch `epoch` (0-based); samples with nothing to learn are left out.
  public func sequences(_ examples: [TrainingExample], epoch: Int) -> [PackedSequence] {
    var random = RandomSource(seed: seed &+ UInt64(epoch) &* 0x9E37_79B9_7F4A_7C15)
    var order = Array(examples.indices)
    // Fisher–Yates with the seeded source (the standard library's shuffle may change).
    if order.count > 1 {
      for i in stride(from: order.count - 1, to: 0, by: -1) {
        let j = Int(random.next() % UInt64(i + 1))
        order.swapAt(i, j)
      }
    }
    var out: [PackedSequence] = []
    var current = PackedSequence()
    for index in order {
      let example = examples[index].truncated(to: maxLength)
      guard example.labelledCount > 0 else { continue }
      if current.count > 0, !packing || current.count + example.tokens.count > maxLength {
        out.append(current)
        current = PackedSequence()
      }
      current.append(tokens: example.tokens, trained: example.trained)
    }
    if current.count > 0 { out.append(current) }
    return out
  }
}
