/// What can go wrong adding to an index or restoring one from a snapshot.
public enum VectorIndexError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The vector at position `index` of an ``HNSWIndex/add(_:)`` call has `actual` components;
  /// the index holds vectors of `expected`.
  case dimensionMismatch(index: Int, expected: Int, actual: Int)
  /// The index cannot hold more slots (slots are 32-bit inside the graph).
  case capacityExceeded(requested: Int, maximum: Int)
  /// The snapshot ends before `needed` bytes; it has `available`.
  case snapshotTruncated(needed: Int, available: Int)
  /// The bytes do not start with the snapshot magic: not an index snapshot.
  case snapshotBadMagic
  /// The snapshot was written in a format version this build does not read.
  case snapshotUnsupportedVersion(found: UInt32, supported: UInt32)
  /// The bytes do not match the checksum stored with them: the snapshot is corrupted.
  case snapshotChecksumMismatch(stored: UInt64, computed: UInt64)
  /// The snapshot's checksum is right but its contents contradict each other (a writer bug or a
  /// forged file); the message says what.
  case snapshotInconsistent(String)

  public var description: String {
    switch self {
    case .dimensionMismatch(let index, let expected, let actual):
      "vector \(index) has \(actual) dimensions, but the index holds \(expected)-dimensional vectors"
    case .capacityExceeded(let requested, let maximum):
      "cannot hold \(requested) slots: an index holds at most \(maximum)"
    case .snapshotTruncated(let needed, let available):
      "index snapshot is truncated: it needs \(needed) bytes but has \(available)"
    case .snapshotBadMagic:
      "not an index snapshot (bad magic bytes)"
    case .snapshotUnsupportedVersion(let found, let supported):
      "index snapshot has format version \(found); this build reads version \(supported)"
    case .snapshotChecksumMismatch(let stored, let computed):
      "index snapshot is corrupted: checksum \(hex(computed)) does not match the stored \(hex(stored))"
    case .snapshotInconsistent(let why):
      "index snapshot is inconsistent: \(why)"
    }
  }
}

/// `0x` and 16 hex digits.
private func hex(_ value: UInt64) -> String {
  let digits = String(value, radix: 16)
  return "0x" + String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
