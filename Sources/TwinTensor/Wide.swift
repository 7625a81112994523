/// 32 float lanes held as four independent AVX2 registers.
///
/// The transcendental functions in ``SIMDMath`` are long chains of dependent operations (a GELU
/// is ~60 deep, ~4 cycles each), so one 8-lane register at a time leaves the core idle waiting on
/// latency. Running four registers side by side gives the out-of-order core four chains to
/// overlap. The standard library's `SIMD32<Float>` would be the natural type, but many of its
/// operations are generic lane loops that LLVM does not re-vectorise at 32 lanes (they compile to
/// scalar code through the stack, ~100× slower), so this wraps four `SIMD8<Float>` whose
/// operations are single instructions.
///
/// Every operation is `@_transparent` (inlined before optimisation) rather than
/// `@inline(__always)`: a function such as `exp` uses dozens of them, each expanding to four
/// standard-library SIMD operations, and the optimiser's inliner stops at its per-caller size
/// budget well before that — leaving out-of-line calls that pass 128-byte values through memory
/// (measured 3–4× slower). For the same reason no operation takes a closure: SwiftPM's release
/// builds split the module over two LLVM threads, so a closure body left out of line by the
/// Swift optimiser cannot be inlined back by LLVM either (measured 3× slower GELU).
struct Wide {
  var v0: Vec8
  var v1: Vec8
  var v2: Vec8
  var v3: Vec8

  @_transparent
  init(_ v0: Vec8, _ v1: Vec8, _ v2: Vec8, _ v3: Vec8) {
    (self.v0, self.v1, self.v2, self.v3) = (v0, v1, v2, v3)
  }

  @_transparent
  init(repeating value: Float) {
    let v = Vec8(repeating: value)
    self.init(v, v, v, v)
  }

  @_transparent
  init() { self.init(repeating: 0) }

  /// The 32 floats at `p`.
  @_transparent
  static func load(_ p: UnsafePointer<Float>) -> Wide {
    Wide(.load(p), .load(p + 8), .load(p + 16), .load(p + 24))
  }

  /// The first `count` (< 32) floats at `p`, the other lanes set to `fill`.
  @_transparent
  static func load(_ p: UnsafePointer<Float>, count: Int, fill: Float = 0) -> Wide {
    Wide(
      partialLoad(p, count, fill), partialLoad(p + 8, count - 8, fill),
      partialLoad(p + 16, count - 16, fill),
      partialLoad(p + 24, count - 24, fill))
  }

  /// `n` floats at `p` into one register: all 8 when `n ≥ 8`, none (all `fill`) when `n ≤ 0`.
  @_transparent
  static func partialLoad(_ p: UnsafePointer<Float>, _ n: Int, _ fill: Float) -> Vec8 {
    if n >= 8 { return .load(p) }
    if n <= 0 { return Vec8(repeating: fill) }
    return .load(p, count: n, fill: fill)
  }

  /// Writes all 32 lanes to `p`.
  @_transparent
  func store(to p: UnsafeMutablePointer<Float>) {
    v0.store(to: p)
    v1.store(to: p + 8)
    v2.store(to: p + 16)
    v3.store(to: p + 24)
  }

  /// Writes the first `count` (< 32) lanes to `p`.
  @_transparent
  func store(to p: UnsafeMutablePointer<Float>, count: Int) {
    Wide.partialStore(v0, p, count)
    Wide.partialStore(v1, p + 8, count - 8)
    Wide.partialStore(v2, p + 16, count - 16)
    Wide.partialStore(v3, p + 24, count - 24)
  }

  /// Writes `min(n, 8)` lanes of `v` to `p` (nothing when `n ≤ 0`).
  @_transparent
  static func partialStore(_ v: Vec8, _ p: UnsafeMutablePointer<Float>, _ n: Int) {
    if n >= 8 {
      v.store(to: p)
    } else if n > 0 {
      v.store(to: p, count: n)
    }
  }

  // Operators spelled out register by register: a closure-taking helper would leave each
  // closure as an out-of-line function, which the optimiser does not always inline back.
  @_transparent static func + (a: Wide, b: Wide) -> Wide {
    Wide(a.v0 + b.v0, a.v1 + b.v1, a.v2 + b.v2, a.v3 + b.v3)
  }
  @_transparent static func - (a: Wide, b: Wide) -> Wide {
    Wide(a.v0 - b.v0, a.v1 - b.v1, a.v2 - b.v2, a.v3 - b.v3)
  }
  @_transparent static func * (a: Wide, b: Wide) -> Wide {
    Wide(a.v0 * b.v0, a.v1 * b.v1, a.v2 * b.v2, a.v3 * b.v3)
  }
  @_transparent static func / (a: Wide, b: Wide) -> Wide {
    Wide(a.v0 / b.v0, a.v1 / b.v1, a.v2 / b.v2, a.v3 / b.v3)
  }
  @_transparent static func * (a: Wide, b: Float) -> Wide {
    Wide(a.v0 * b, a.v1 * b, a.v2 * b, a.v3 * b)
  }
  @_transparent static prefix func - (a: Wide) -> Wide { Wide(-a.v0, -a.v1, -a.v2, -a.v3) }
  @_transparent static func += (a: inout Wide, b: Wide) { a = a + b }

  /// `self + a · b` with one rounding (FMA).
  @_transparent
  func addingProduct(_ a: Wide, _ b: Wide) -> Wide {
    Wide(
      v0.addingProduct(a.v0, b.v0), v1.addingProduct(a.v1, b.v1), v2.addingProduct(a.v2, b.v2),
      v3.addingProduct(a.v3, b.v3))
  }

  /// Lanes where `self < other`.
  @_transparent func lanesBelow(_ other: Wide) -> WideMask {
    WideMask(v0 .< other.v0, v1 .< other.v1, v2 .< other.v2, v3 .< other.v3)
  }

  /// Lanes where `self > other`.
  @_transparent func lanesAbove(_ other: Wide) -> WideMask { other.lanesBelow(self) }

  /// Lanes where `self ≥ other`.
  @_transparent func lanesAtLeast(_ other: Wide) -> WideMask {
    WideMask(v0 .>= other.v0, v1 .>= other.v1, v2 .>= other.v2, v3 .>= other.v3)
  }

  /// `self` with the lanes selected by `mask` taken from `other`.
  @_transparent
  func replacing(with other: Wide, where mask: WideMask) -> Wide {
    Wide(
      v0.replacing(with: other.v0, where: mask.m0), v1.replacing(with: other.v1, where: mask.m1),
      v2.replacing(with: other.v2, where: mask.m2), v3.replacing(with: other.v3, where: mask.m3))
  }

  /// Lane-wise minimum and maximum (compare and blend).
  @_transparent static func min(_ a: Wide, _ b: Wide) -> Wide {
    a.replacing(with: b, where: b.lanesBelow(a))
  }
  @_transparent static func max(_ a: Wide, _ b: Wide) -> Wide {
    a.replacing(with: b, where: b.lanesAbove(a))
  }

  /// `|self|`, by clearing the sign bits.
  @_transparent
  var magnitude: Wide {
    Wide(Wide.clearSign(v0), Wide.clearSign(v1), Wide.clearSign(v2), Wide.clearSign(v3))
  }

  @_transparent
  static func clearSign(_ v: Vec8) -> Vec8 {
    unsafeBitCast(unsafeBitCast(v, to: SIMD8<UInt32>.self) & 0x7FFF_FFFF, to: Vec8.self)
  }

  /// Sum of all 32 lanes.
  @_transparent
  func sum() -> Float { SIMDMath.sum((v0 + v1) + (v2 + v3)) }
}

/// Lane masks of a ``Wide``.
struct WideMask {
  var m0: SIMDMask<SIMD8<Int32>>
  var m1: SIMDMask<SIMD8<Int32>>
  var m2: SIMDMask<SIMD8<Int32>>
  var m3: SIMDMask<SIMD8<Int32>>

  @_transparent
  init(
    _ m0: SIMDMask<SIMD8<Int32>>, _ m1: SIMDMask<SIMD8<Int32>>, _ m2: SIMDMask<SIMD8<Int32>>,
    _ m3: SIMDMask<SIMD8<Int32>>
  ) {
    (self.m0, self.m1, self.m2, self.m3) = (m0, m1, m2, m3)
  }

  /// Whether any lane is set.
  @_transparent
  var any: Bool { Swift.any((m0 .| m1) .| (m2 .| m3)) }

  /// The complement.
  @_transparent
  static prefix func .! (a: WideMask) -> WideMask { WideMask(.!a.m0, .!a.m1, .!a.m2, .!a.m3) }
}
