import Foundation

/// Draws each node's top level: `⌊−ln(u) · mL⌋` with `u` uniform in (0, 1] and `mL = 1/ln(m)`,
/// the distribution of the HNSW paper, which makes each layer about `m` times smaller than the
/// one below.
///
/// The uniform number is a hash of the seed and the slot rather than the next draw of a shared
/// generator, so a node's level does not depend on which thread inserts it or when, and a
/// rebuilt index gets the same levels.
enum LevelGenerator {
  /// The level of `slot`, capped at ``GraphLinks/maximumLevel``.
  static func level(slot: Int, seed: UInt64, m: Int) -> Int {
    // splitmix64's finaliser over a Weyl step per slot: well mixed, so neighbouring slots get
    // independent levels.
    var z = seed &+ (UInt64(truncatingIfNeeded: slot) &+ 1) &* 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    z ^= z >> 31
    let u = Double((z >> 11) + 1) * 0x1p-53
    let level = -log(u) / log(Double(m))
    return min(Int(level), GraphLinks.maximumLevel)
  }
}
