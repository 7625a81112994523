import TwinTensor

/// Attention arithmetic done in exactly the order llama.cpp's CPU backend does it (x86, AVX2),
/// so that the probabilities and weighted sums come out bit for bit the same.
///
/// Why bother: the products that follow quantise their inputs to 8 bits, and a difference of one
/// ulp in an attention output occasionally moves a value across a rounding boundary. After a few
/// layers that becomes a different greedy token. Matching llama.cpp's operation order removes
/// those differences at their source. The orders below are llama.cpp's (tinyBLAS dot products
/// over 8 lanes, a polynomial `exp`, a double-precision softmax sum); the code is ours.
enum ReferenceArithmetic {
  /// `Σ a[i]·b[i]` over `count` (a multiple of 8) values: eight lanes, lane `p` accumulating
  /// elements `p, p+8, p+16, …` with fused multiply-adds, then the lanes reduced as
  /// `((l0+l4)+(l2+l6)) + ((l1+l5)+(l3+l7))`.
  @inline(__always)
  static func dot8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
    var acc = SIMD8<Float>()
    var i = 0
    while i < count {
      let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
      let y = HalfPrecision.load8(b + i)
      acc = acc.addingProduct(x, y)
      i += 8
    }
    return horizontalSum(acc)
  }

  /// ``dot8(_:_:count:)`` of `a` with eight vectors `stride` values apart, from `b`: eight
  /// chains, enough to keep both fused multiply-add pipes busy, sharing each load of `a`.
  @inline(__always)
  static func dot8x8(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, stride: Int, count: Int) -> SIMD8<Float> {
    var acc = (
      SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(),
      SIMD8<Float>(), SIMD8<Float>()
    )
    @inline(__always)
    func load(_ p: UnsafePointer<Float16>) -> SIMD8<Float> { HalfPrecision.load8(p) }
    var i = 0
    while i < count {
      let x = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
      let row = b + i
      acc.0 = acc.0.addingProduct(x, load(row))
      acc.1 = acc.1.addingProduct(x, load(row + stride))
      acc.2 = acc.2.addingProduct(x, load(row + 2 * stride))
      acc.3 = acc.3.addingProduct(x, load(row + 3 * stride))
      acc.4 = acc.4.addingProduct(x, load(row + 4 * stride))
      acc.5 = acc.5.addingProduct(x, load(row + 5 * stride))
      acc.6 = acc.6.addingProduct(x, load(row + 6 * stride))
      acc.7 = acc.7.addingProduct(x, load(row + 7 * stride))
      i += 8
    }
    return SIMD8(
      horizontalSum(acc.0), horizontalSum(acc.1), horizontalSum(acc.2), horizontalSum(acc.3),
      horizontalSum(acc.4), horizontalSum(acc.5), horizontalSum(acc.6), horizontalSum(acc.7))
  }

  /// The lane reduction of llama.cpp's `hsum`: high half plus low half, then pairs.
  @inline(__always)
  static func horizontalSum(_ v: SIMD8<Float>) -> Float {
    let h = v.highHalf + v.lowHalf
    return (h[0] + h[2]) + (h[1] + h[3])
  }

  /// `eˣ` as ggml's vectorised `expf` computes it: `x = n·ln2 + b` with `n` rounded to an
  /// integer (through the 1.5·2²³ shifter), `eᵇ − 1` from a degree-5 polynomial, and `2ⁿ` built
  /// in the exponent bits; with separate scalings where `2ⁿ` alone would over- or underflow.
  @inline(__always)
  static func exp(_ x: Float) -> Float {
    let shifter: Float = 0x1.8p23
    let z = shifter.addingProduct(x, 0x1.715476p+0)  // x·log₂e, rounded to an integer in the low bits
    let n = z - shifter
    let b = x.addingProduct(-n, 0x1.62e4p-1).addingProduct(-n, 0x1.7f7d1cp-20)  // x − n·ln2, in two parts
    let e = z.bitPattern << 23
    let k = Float(bitPattern: e &+ Float(1).bitPattern)  // 2ⁿ
    let u = b * b
    let high = Float(0x1.573e2ep-5).addingProduct(0x1.0e4020p-7, b)
    let low = Float(0x1.fffdb6p-2).addingProduct(0x1.555e66p-3, b)
    let j = (Float(0x1.ffffecp-1) * b).addingProduct(low.addingProduct(high, u), u)  // eᵇ − 1
    let magnitude = Swift.abs(n)
    guard magnitude > 126 else { return k.addingProduct(j, k) }
    let g: UInt32 = n <= 0 ? 0x8200_0000 : 0
    let s1 = Float(bitPattern: g &+ 0x7F00_0000)
    if magnitude > 192 { return s1 * s1 }
    let s2 = Float(bitPattern: e &- g)
    return s2.addingProduct(s2, j) * s1
  }

  /// ``exp(_:)`` on sixteen lanes at once, with the same operations per lane (so the same
  /// results); lanes needing the over/underflow scalings are redone one at a time.
  @inline(__always)
  static func exp(_ x: SIMD16<Float>) -> SIMD16<Float> {
    typealias V = SIMD16<Float>
    let shifter = V(repeating: 0x1.8p23)
    let z = shifter.addingProduct(x, V(repeating: 0x1.715476p+0))
    let n = z - shifter
    let b = x.addingProduct(-n, V(repeating: 0x1.62e4p-1)).addingProduct(-n, V(repeating: 0x1.7f7d1cp-20))
    let e = unsafeBitCast(z, to: SIMD16<UInt32>.self) &<< 23
    let k = unsafeBitCast(e &+ SIMD16<UInt32>(repeating: Float(1).bitPattern), to: V.self)
    let u = b * b
    let high = V(repeating: 0x1.573e2ep-5).addingProduct(V(repeating: 0x1.0e4020p-7), b)
    let low = V(repeating: 0x1.fffdb6p-2).addingProduct(V(repeating: 0x1.555e66p-3), b)
    let j = (V(repeating: 0x1.ffffecp-1) * b).addingProduct(low.addingProduct(high, u), u)
    var result = k.addingProduct(j, k)
    // |n| > 126 ⇔ n > 126 or n < −126 (n is integral); rare in softmax and SiLU inputs.
    if any((n .> 126) .| (n .< -126)) {
      for i in 0..<16 { result[i] = exp(x[i]) }
    }
    return result
  }

  /// Softmax of one row of attention scores, in place, as ggml's `soft_max` does it: the scores
  /// times `scale`, minus their maximum, through ``exp(_:)``; the sum taken in chunks of eight
  /// (each reduced like ``horizontalSum(_:)``) added up in `Double`; then every value multiplied
  /// by the `Float` of `1 / sum`.
  ///
  /// `row` covers key positions `0..<count`; positions outside `visible` are masked (their
  /// probability is 0). Chunks are aligned to position 0, as in the full row ggml processes.
  static func softmax(_ row: UnsafeMutablePointer<Float>, count: Int, visible: Range<Int>, scale: Float) {
    var maximum = -Float.infinity
    for i in visible {
      row[i] *= scale
      maximum = Swift.max(maximum, row[i])
    }
    for i in 0..<count where !visible.contains(i) { row[i] = 0 }
    var i = visible.lowerBound
    while i + 16 <= visible.upperBound {
      let p = UnsafeMutableRawPointer(row + i)
      p.storeBytes(of: exp(p.loadUnaligned(as: SIMD16<Float>.self) - SIMD16(repeating: maximum)), as: SIMD16<Float>.self)
      i += 16
    }
    while i < visible.upperBound {
      row[i] = exp(row[i] - maximum)
      i += 1
    }
    var sum = 0.0
    var chunk = 0
    while chunk < count {
      var lanes = SIMD8<Float>()
      for p in 0..<Swift.min(8, count - chunk) { lanes[p] = row[chunk + p] }
      // A last, partial chunk is summed one value at a time in ggml; zeros change nothing, and
      // rows here are padded to whole chunks by the caller.
      sum += Double(horizontalSum(lanes))
      chunk += 8
    }
    let inverse = Float(1.0 / sum)
    for i in visible { row[i] *= inverse }
  }

  /// RMS normalisation of `rows` rows of `cols` values, times `weight`, as ggml does it: the
  /// squares (each rounded to `Float`) summed in order in `Double`, the mean rounded to `Float`,
  /// `scale = 1 / √(mean + ε)` in `Float`, then `x · scale` and, as a separate step, `· weight`.
  static func rmsNorm(
    _ x: UnsafePointer<Float>, rows: Int, cols: Int, weight: [Float], epsilon: Float,
    into y: UnsafeMutablePointer<Float>
  ) {
    weight.withUnsafeBufferPointer { w in
      @inline(__always)
      func normalize(_ r: Int, sum: Double) {
        let mean = Float(sum / Double(cols))
        let scale = 1 / (mean + epsilon).squareRoot()
        let row = x + r * cols
        let out = y + r * cols
        for i in 0..<cols { out[i] = (row[i] * scale) * w[i] }
      }
      // Rows are independent (the sum within a row stays sequential, as in ggml). A row's sum
      // is one chain of dependent `Double` additions, so four rows are summed side by side:
      // four chains in flight instead of one.
      Parallel.forRange(rows, minChunk: Swift.max(1, 8192 / Swift.max(cols, 1))) { range in
        var r = range.lowerBound
        while r + 4 <= range.upperBound {
          let (a, b, c, d) = (x + r * cols, x + (r + 1) * cols, x + (r + 2) * cols, x + (r + 3) * cols)
          var sums = (0.0, 0.0, 0.0, 0.0)
          for i in 0..<cols {
            sums.0 += Double(a[i] * a[i])
            sums.1 += Double(b[i] * b[i])
            sums.2 += Double(c[i] * c[i])
            sums.3 += Double(d[i] * d[i])
          }
          normalize(r, sum: sums.0)
          normalize(r + 1, sum: sums.1)
          normalize(r + 2, sum: sums.2)
          normalize(r + 3, sum: sums.3)
          r += 4
        }
        while r < range.upperBound {
          let row = x + r * cols
          var sum = 0.0
          for i in 0..<cols { sum += Double(row[i] * row[i]) }
          normalize(r, sum: sum)
          r += 1
        }
      }
    }
  }

  /// `gate ← SiLU(gate) · up`, with SiLU as ggml computes it: `x / (1 + e⁻ˣ)`, through ``exp(_:)``.
  static func swiglu(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    var i = 0
    while i + 16 <= count {
      let g = UnsafeMutableRawPointer(gate + i)
      let x = g.loadUnaligned(as: SIMD16<Float>.self)
      let y = UnsafeRawPointer(up + i).loadUnaligned(as: SIMD16<Float>.self)
      g.storeBytes(of: (x / (1 + exp(SIMD16(repeating: 0) - x))) * y, as: SIMD16<Float>.self)
      i += 16
    }
    while i < count {
      let x = gate[i]
      gate[i] = (x / (1 + exp(0 - x))) * up[i]
      i += 1
    }
  }

  /// `Σ a[i]·b[i]` the way ggml's `vec_dot_f16` sums (its path for a single query row): four
  /// 8-lane accumulators over blocks of 32, reduced as `(x0+x2)+(x1+x3)`, then the lanes as
  /// `(t0+t1)+(t2+t3)` with `tₚ = lane p + lane p+4`; a tail beyond the last 32 is added
  /// in `Double`.
  @inline(__always)
  static func dot32(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float16>, count: Int) -> Float {
    var acc = (SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>(), SIMD8<Float>())
    let whole = count & ~31
    var i = 0
    while i < whole {
      func load(_ p: UnsafePointer<Float>) -> SIMD8<Float> { UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self) }
      acc.0 = acc.0.addingProduct(load(a + i), HalfPrecision.load8(b + i))
      acc.1 = acc.1.addingProduct(load(a + i + 8), HalfPrecision.load8(b + i + 8))
      acc.2 = acc.2.addingProduct(load(a + i + 16), HalfPrecision.load8(b + i + 16))
      acc.3 = acc.3.addingProduct(load(a + i + 24), HalfPrecision.load8(b + i + 24))
      i += 32
    }
    var sum = Double(reduce4(acc.0, acc.1, acc.2, acc.3))
    while i < count {
      sum += Double(a[i] * Float(b[i]))
      i += 1
    }
    return Float(sum)
  }

  /// ggml's reduction of four 8-lane accumulators (`GGML_F32x8_REDUCE`).
  @inline(__always)
  static func reduce4(_ x0: SIMD8<Float>, _ x1: SIMD8<Float>, _ x2: SIMD8<Float>, _ x3: SIMD8<Float>) -> Float {
    let v = (x0 + x2) + (x1 + x3)
    let t = v.lowHalf + v.highHalf
    return (t[0] + t[1]) + (t[2] + t[3])
  }
}
