#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// SplitMix64: a tiny, well-mixed pseudo-random generator, so seeded test data and benchmark
/// corpora are the same on every machine and a failing case reproduces exactly.
public struct SplitMix64: RandomNumberGenerator, Sendable {
  public var state: UInt64

  public init(seed: UInt64) { state = seed }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in (0, 1].
  public mutating func unit() -> Double { Double((next() >> 11) + 1) * 0x1p-53 }

  /// Standard normal (Box–Muller; one of the pair).
  public mutating func normal() -> Double {
    let u = unit()
    let v = unit()
    return (-2 * log(u)).squareRoot() * cos(2 * Double.pi * v)
  }

  /// Uniform in `0..<n` (modulo; the bias is negligible for the small `n` used).
  public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// `count` floats uniform in `range`.
  public mutating func floats(_ count: Int, in range: ClosedRange<Float> = -1...1) -> [Float] {
    (0..<count).map { _ in Float.random(in: range, using: &self) }
  }
}
