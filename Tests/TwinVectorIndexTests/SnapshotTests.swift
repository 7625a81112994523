import Testing
import TwinTestSupport
import TwinVectorIndex

@Suite struct SnapshotTests {
  static func sampleIndex() throws -> HNSWIndex {
    let index = try makeIndex(
      gaussianVectors(2500, dimension: 24, seed: 51), metric: .l2,
      parameters: HNSWParameters(m: 10, efConstruction: 80, efSearch: 40, seed: 9))
    for slot in stride(from: 5, to: 2500, by: 11) { index.markDeleted(slot) }
    return index
  }

  @Test func roundTripGivesIdenticalSearches() throws {
    let original = try Self.sampleIndex()
    let bytes = original.snapshot()
    let restored = try HNSWIndex(snapshot: bytes)
    #expect(restored.dimension == 24 && restored.metric == .l2)
    #expect(restored.parameters == original.parameters)
    #expect(restored.slotCount == original.slotCount && restored.count == original.count)
    #expect(restored.isDeleted(5) && !restored.isDeleted(6))
    #expect(restored.vector(1234) == original.vector(1234))
    for query in gaussianVectors(40, dimension: 24, seed: 52) {
      #expect(restored.search(query, k: 10) == original.search(query, k: 10))
      #expect(restored.search(query, k: 5, ef: 200) == original.search(query, k: 5, ef: 200))
      let filter: (Int) -> Bool = { $0 % 3 == 0 }
      #expect(
        restored.search(query, k: 10, filter: filter)
          == original.search(query, k: 10, filter: filter))
      #expect(restored.exactSearch(query, k: 10) == original.exactSearch(query, k: 10))
    }
    // Encoding is deterministic, and the restored index keeps working as a normal one.
    #expect(restored.snapshot() == bytes)
    #expect(try restored.add(gaussianVectors(10, dimension: 24, seed: 53)) == Array(2500..<2510))
  }

  @Test(arguments: VectorMetric.allCases)
  func roundTripKeepsEveryMetric(_ metric: VectorMetric) throws {
    let original = try makeIndex(gaussianVectors(300, dimension: 5, seed: 54), metric: metric)
    let restored = try HNSWIndex(snapshot: original.snapshot())
    #expect(restored.metric == metric)
    let query = gaussianVectors(1, dimension: 5, seed: 55)[0]
    #expect(restored.search(query, k: 7) == original.search(query, k: 7))
  }

  @Test func emptyIndexRoundTrips() throws {
    let restored = try HNSWIndex(snapshot: HNSWIndex(dimension: 3, metric: .dot).snapshot())
    #expect(restored.slotCount == 0 && restored.dimension == 3 && restored.metric == .dot)
    #expect(restored.search([1, 2, 3], k: 3).isEmpty)
  }

  @Test func truncatedSnapshotsThrow() throws {
    let bytes = try Self.sampleIndex().snapshot()
    for length in [
      0, 1, 5, 8, 11, 12, 40, 79, 80, 1000, bytes.count / 2, bytes.count - 9, bytes.count - 1,
    ] {
      #expect(throws: VectorIndexError.self) {
        try HNSWIndex(snapshot: Array(bytes.prefix(length)))
      }
    }
    #expect(
      throws: VectorIndexError.snapshotTruncated(needed: bytes.count, available: bytes.count - 1)
    ) {
      try HNSWIndex(snapshot: Array(bytes.dropLast()))
    }
  }

  @Test func corruptedSnapshotsThrow() throws {
    let bytes = try Self.sampleIndex().snapshot()
    var badMagic = bytes
    badMagic[0] = UInt8(ascii: "X")
    #expect(throws: VectorIndexError.snapshotBadMagic) { try HNSWIndex(snapshot: badMagic) }
    #expect(throws: VectorIndexError.snapshotBadMagic) {
      try HNSWIndex(snapshot: Array("hello, world".utf8))
    }

    var future = bytes
    future[8] = 2
    #expect(throws: VectorIndexError.snapshotUnsupportedVersion(found: 2, supported: 1)) {
      try HNSWIndex(snapshot: future)
    }

    // Single flipped bits anywhere — header, vectors, levels, links, checksum — are caught.
    var rng = SplitMix64(seed: 56)
    for _ in 0..<200 {
      var flipped = bytes
      let i = Int(rng.next() % UInt64(bytes.count))
      flipped[i] ^= UInt8(1) << UInt8(rng.next() % 8)
      #expect(throws: VectorIndexError.self) { try HNSWIndex(snapshot: flipped) }
    }
    var middle = bytes
    middle[bytes.count / 2] ^= 0x40
    do {
      _ = try HNSWIndex(snapshot: middle)
      Issue.record("a corrupted snapshot loaded")
    } catch let error as VectorIndexError {
      guard case .snapshotChecksumMismatch = error else {
        Issue.record("expected a checksum mismatch, got \(error)")
        return
      }
    }
  }

  /// Snapshots whose checksum is right but whose contents lie (as a buggy writer or a forger
  /// would produce) are rejected by validation, never crash a later search.
  @Test func forgedSnapshotsAreValidated() throws {
    let index = try makeIndex(
      gaussianVectors(50, dimension: 4, seed: 57), metric: .l2, parameters: HNSWParameters(m: 4))
    let bytes = index.snapshot()
    let n = 50
    let level0 = 72 + n * 4 * 4 + 2 * n  // header, vectors, levels, deleted flags
    let forgeries: [(String, (inout [UInt8]) -> Void)] = [
      (
        "link to a missing slot",
        {
          $0[level0 + 4] = 0xFF
          $0[level0 + 5] = 0xFF
        }
      ),
      ("link count above 2m", { $0[level0] = 9 }),
      ("unknown metric", { $0[16] = 7 }),
      (
        "m below 2",
        {
          $0[20] = 1
          $0[21] = 0
        }
      ),
      ("entry point out of range", { $0[56] = 200 }),
      ("deletion flag 2", { $0[72 + n * 16 + n] = 2 }),
      ("deleted count off", { $0[48] = 3 }),
      ("level without its lists", { $0[72 + n * 16] = 5 }),
    ]
    for (what, forge) in forgeries {
      var forged = Array(bytes.dropLast(8))
      forge(&forged)
      forged += littleEndianBytes(testChecksum(forged))
      #expect(throws: VectorIndexError.self, "\(what)") { try HNSWIndex(snapshot: forged) }
    }
    // The re-checksummed original still loads: the forgeries fail for their contents.
    let resealed =
      Array(bytes.dropLast(8)) + littleEndianBytes(testChecksum(Array(bytes.dropLast(8))))
    #expect(try HNSWIndex(snapshot: resealed).slotCount == n)
  }

  @Test func errorsDescribeThemselves() {
    #expect(
      VectorIndexError.snapshotTruncated(needed: 100, available: 10).description.contains(
        "truncated"))
    #expect(
      VectorIndexError.snapshotChecksumMismatch(stored: 1, computed: 2).description.contains(
        "corrupted"))
  }
}

/// The snapshot checksum as the format defines it (four multiply–xorshift lanes over 32-byte
/// blocks, then the remaining words, the zero-padded tail and the length), re-implemented here
/// so tests can forge snapshots with valid checksums.
func testChecksum(_ bytes: [UInt8]) -> UInt64 {
  func step(_ h: UInt64, _ w: UInt64) -> UInt64 {
    var x = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
    x ^= x >> 29
    return x
  }
  func word(_ i: Int) -> UInt64 {
    (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[i + $1]) << (8 * UInt64($1)) }
  }
  var a: UInt64 = 0x243F_6A88_85A3_08D3
  var b: UInt64 = 0x1319_8A2E_0370_7344
  var c: UInt64 = 0xA409_3822_299F_31D0
  var d: UInt64 = 0x082E_FA98_EC4E_6C89
  var i = 0
  while i + 32 <= bytes.count {
    (a, b, c, d) = (
      step(a, word(i)), step(b, word(i + 8)), step(c, word(i + 16)), step(d, word(i + 24))
    )
    i += 32
  }
  var h = step(step(step(a, b), c), d)
  while i + 8 <= bytes.count {
    h = step(h, word(i))
    i += 8
  }
  var tail: UInt64 = 0
  var shift: UInt64 = 0
  while i < bytes.count {
    tail |= UInt64(bytes[i]) << shift
    shift += 8
    i += 1
  }
  return step(step(h, tail), UInt64(bytes.count))
}

func littleEndianBytes(_ value: UInt64) -> [UInt8] {
  (0..<8).map { UInt8(truncatingIfNeeded: value >> (8 * UInt64($0))) }
}
