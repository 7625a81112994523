/// Vectorised transcendental functions on ``Wide`` (32 lanes in four AVX2 registers).
///
/// Foundation's `exp`/`erf` are scalar calls, 10–50× slower per element than these. The
/// polynomial coefficients were fitted for this file (iteratively reweighted least squares on
/// relative error against 40-digit mpmath references, then rounded to `Float`); the error
/// bounds quoted are for the `Float` evaluation and are checked by the tests.
typealias Vec8 = SIMD8<Float>

enum SIMDMath {
  /// `eˣ`, relative error ≲ 2 ulp for x in [-87.3, 88.37]; 0 below (where eˣ < FLT_MIN, so
  /// masked softmax entries at `-inf` come out exactly 0) and +∞ above (a little early: the true
  /// overflow is at 88.72, but then `n ≤ 127` always holds and 2ⁿ is a plain exponent field).
  ///
  /// Range reduction `x = n·ln 2 + r`, |r| ≤ ln2/2, then `eˣ = 2ⁿ · eʳ`. `n = round(x·log₂e)`
  /// comes from adding 1.5·2²³ (the FMA's rounding does the rounding, and n lands in the low
  /// mantissa bits, from which 2ⁿ is built by shifting into the exponent field). `r` is computed
  /// in two FMA steps against ln 2 split into a `Float` head and tail (Cody–Waite), so it keeps
  /// full precision even for |x| near 88. `eʳ = 1 + r + r²·q(r)` with a degree-4 `q` has
  /// relative error 1.1e-8 on the reduced range.
  @inline(__always)
  static func exp(_ x: Wide) -> Wide {
    let lowest: Float = -87.336_54  // ln(FLT_MIN)
    let highest: Float = 88.376_27  // 127.5 · ln 2: keeps n ≤ 127
    let magic: Float = 12_582_912  // 1.5 · 2²³
    let clamped = Wide.min(Wide.max(x, Wide(repeating: lowest)), Wide(repeating: highest))
    let shifted = Wide(repeating: magic).addingProduct(clamped, Wide(repeating: 1.442_695_0))
    let n = shifted - Wide(repeating: magic)
    var r = clamped.addingProduct(n, Wide(repeating: -0.693_147_18))
    r = r.addingProduct(n, Wide(repeating: 1.904_654_2e-9))
    var q = Wide(repeating: 1.394_109_8e-3)
    q = Wide(repeating: 8.363_176_1e-3).addingProduct(q, r)
    q = Wide(repeating: 4.166_637_4e-2).addingProduct(q, r)
    q = Wide(repeating: 1.666_657_6e-1).addingProduct(q, r)
    q = Wide(repeating: 0.5).addingProduct(q, r)
    let er = (Wide(repeating: 1) + r).addingProduct(r * r, q)
    // bits(shifted) = bits(1.5·2²³) + n; moving n + 127 into the exponent field gives 2ⁿ.
    let scale = Wide(
      powerOfTwo(shifted.v0), powerOfTwo(shifted.v1), powerOfTwo(shifted.v2), powerOfTwo(shifted.v3)
    )
    return (er * scale)
      .replacing(with: Wide(), where: x.lanesBelow(Wide(repeating: lowest)))
      .replacing(with: Wide(repeating: .infinity), where: x.lanesAbove(Wide(repeating: highest)))
  }

  /// `2ⁿ` from `1.5·2²³ + n` (see ``exp(_:)``): `n + 127` moved into the exponent field.
  @_transparent
  static func powerOfTwo(_ shifted: Vec8) -> Vec8 {
    unsafeBitCast(
      (unsafeBitCast(shifted, to: SIMD8<UInt32>.self) &- 0x4B40_0000 &+ 127) &<< 23, to: Vec8.self)
  }

  /// The logistic function `σ(t) = 1 / (1 + e⁻ᵗ)`; exactly 0 once e⁻ᵗ overflows, 1 once it
  /// underflows.
  @inline(__always)
  static func sigmoid(_ t: Wide) -> Wide {
    Wide(repeating: 1) / (Wide(repeating: 1) + exp(-t))
  }

  /// The standard normal CDF `Φ(x) = ½·erfc(−x/√2) = ½·(1 + erf(x/√2))`, with relative error
  /// ≲ 3e-7 everywhere, including the negative tail where `1 + erf` would cancel.
  ///
  /// With `z = x/√2`: for |z| < 0.6, `Φ = ½ + ½·z·P(z²)` (P of degree 5 fits `erf(z)/z` to 1e-10;
  /// Φ ≥ 0.2 there, so the addition loses at most a bit or two). For |z| ≥ 0.6 the tail
  /// `½·erfc(|z|) = ½·e^(−x²/2) · u·G(u)` with `u = 1/|z|`, where `G(u) = z·erfc(z)·e^(z²)` is smooth
  /// and tends to 1/√π; `G` is a degree-14 polynomial in u re-centred on [1/9.4, 1/0.6] (relative
  /// error 1.6e-8; beyond |z| = 9.4 the exponential underflows to 0 anyway), and Φ is the tail
  /// or 1 − tail. `x²` is split into its rounded value and the FMA-recovered rounding error so
  /// the exponential does not amplify it (1 ulp of x² would cost x²·6e-8 relative).
  @inline(__always)
  static func normalCDF(_ x: Wide) -> Wide {
    let z = x * Wide(repeating: 0.707_106_77)
    let s = z * z
    var p = Wide(repeating: -7.34568166e-4)
    p = Wide(repeating: 5.17641380e-3).addingProduct(p, s)
    p = Wide(repeating: -2.68573668e-2).addingProduct(p, s)
    p = Wide(repeating: 1.12837173e-1).addingProduct(p, s)
    p = Wide(repeating: -3.76126379e-1).addingProduct(p, s)
    p = Wide(repeating: 1.12837923).addingProduct(p, s)
    let half = Wide(repeating: 0.5)
    let result = half.addingProduct(half, z * p)

    let magnitude = z.magnitude
    let isTail = magnitude.lanesAtLeast(Wide(repeating: 0.6))
    // Activations are mostly small; skip the tail when no lane needs it.
    guard isTail.any else { return result }
    let u = Wide(repeating: 1) / magnitude.replacing(with: Wide(repeating: 1), where: .!isTail)
    let v = (u - Wide(repeating: 0.886_524_80)) * Wide(repeating: 1.281_818_2)
    var g = Wide(repeating: -1.67795122e-4)
    g = Wide(repeating: 1.76455898e-4).addingProduct(g, v)
    g = Wide(repeating: 5.06997865e-4).addingProduct(g, v)
    g = Wide(repeating: -7.54628214e-4).addingProduct(g, v)
    g = Wide(repeating: 6.66066480e-5).addingProduct(g, v)
    g = Wide(repeating: 2.84861180e-5).addingProduct(g, v)
    g = Wide(repeating: 2.15408858e-4).addingProduct(g, v)
    g = Wide(repeating: 7.89671263e-4).addingProduct(g, v)
    g = Wide(repeating: -3.26456875e-3).addingProduct(g, v)
    g = Wide(repeating: 7.00416975e-3).addingProduct(g, v)
    g = Wide(repeating: -1.09455371e-2).addingProduct(g, v)
    g = Wide(repeating: 8.95389169e-3).addingProduct(g, v)
    g = Wide(repeating: 1.89120341e-2).addingProduct(g, v)
    g = Wide(repeating: -1.26381516e-1).addingProduct(g, v)
    g = Wide(repeating: 4.45543140e-1).addingProduct(g, v)
    let xx = x * x
    let xxError = (-xx).addingProduct(x, x)  // exact: x·x − fl(x·x)
    // e^(−x²/2), with the rounding error of x² corrected to first order.
    let gauss = exp(xx * -0.5) * (Wide(repeating: 1) - half * xxError)
    let tail = half * gauss * u * g
    let tailCDF = tail.replacing(with: Wide(repeating: 1) - tail, where: x.lanesAbove(Wide()))
    return result.replacing(with: tailCDF, where: isTail)
  }

  /// Lane-wise maximum. (The standard library's `pointwiseMax` is not inlined into these loops
  /// and costs a call per vector; a compare and blend is two instructions.)
  @inline(__always)
  static func max(_ a: Vec8, _ b: Vec8) -> Vec8 { a.replacing(with: b, where: b .> a) }

  /// Sum of the lanes.
  @inline(__always)
  static func sum(_ v: Vec8) -> Float {
    let h = v.lowHalf + v.highHalf
    let q = h.lowHalf + h.highHalf
    return q[0] + q[1]
  }

  /// Largest lane.
  @inline(__always)
  static func max(_ v: Vec8) -> Float {
    var m = v[0]
    for i in 1..<8 { m = Swift.max(m, v[i]) }
    return m
  }
}
