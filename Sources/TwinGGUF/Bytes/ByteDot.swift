#if TWIN_AVX512_VNNI
  import Builtin

  /// Four-way byte dot products, AVX-512 VNNI's `vpdpbusd`: lane k of the result is lane k of
  /// the accumulator plus `Σᵢ u[4k+i]·s[4k+i]` over four unsigned × signed byte pairs, exact
  /// in 32 bits.
  ///
  /// One instruction does what the portable kernels spell as two 16-bit multiplies, an add and
  /// three shifts per 16 pairs. It is reached through the compiler's `Builtin` module (the
  /// `BuiltinModule` experimental feature) because Swift's SIMD types have no spelling LLVM
  /// turns into it. The package enables this file only when the build machine's CPU has
  /// `avx512_vnni` (see Package.swift), as it already compiles for that CPU.
  enum ByteDot {
    /// Sixteen lanes (64 byte pairs): `u` holds unsigned and `s` signed bytes, four to a lane.
    @_transparent
    static func dot(_ acc: SIMD16<Int32>, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx512_vpdpbusd_512(
          unsafeBitCast(acc, to: Builtin.Vec16xInt32.self), unsafeBitCast(u, to: Builtin.Vec16xInt32.self),
          unsafeBitCast(s, to: Builtin.Vec16xInt32.self)), to: SIMD16<Int32>.self)
    }

    /// ``dot(_:_:_:)`` for `u` below 128 in every byte: here the same instruction.
    @_transparent
    static func narrowDot(_ acc: SIMD16<Int32>, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      dot(acc, u, s)
    }

    /// Pairs of unsigned × signed byte products summed into 16-bit lanes (`vpmaddubsw`),
    /// returned two to a 32-bit lane. Saturates beyond ±32767, so callers keep
    /// `2 · max u · 128` below that (K-quant weights have at most six bits).
    @_transparent
    static func pairs(_ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx512_pmaddubs_w_512(
          unsafeBitCast(u, to: Builtin.Vec64xInt8.self), unsafeBitCast(s, to: Builtin.Vec64xInt8.self)),
        to: SIMD16<Int32>.self)
    }

    /// Lane k of `acc` plus both 16-bit halves of lane k of `p` times those of `scales`
    /// (`vpdpwssd`), exact in 32 bits.
    @_transparent
    static func scaledAdd(_ acc: SIMD16<Int32>, _ p: SIMD16<Int32>, _ scales: SIMD16<Int32>) -> SIMD16<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx512_vpdpwssd_512(
          unsafeBitCast(acc, to: Builtin.Vec16xInt32.self), unsafeBitCast(p, to: Builtin.Vec16xInt32.self),
          unsafeBitCast(scales, to: Builtin.Vec16xInt32.self)), to: SIMD16<Int32>.self)
    }

    /// `q` in both halves, the low half shifted right by `low` bits and the high half by
    /// `high`: a broadcast and one `vpsrlvd`, where LLVM spelled the plain Swift as two shifts
    /// and an insert.
    @_transparent
    static func halvesShifted(_ q: SIMD8<UInt32>, _ low: UInt32, _ high: UInt32) -> SIMD16<UInt32> {
      let shifts = SIMD16<UInt32>(lowHalf: SIMD8(repeating: low), highHalf: SIMD8(repeating: high))
      return unsafeBitCast(
        Builtin.int_x86_avx512_psrlv_d_512(
          unsafeBitCast(SIMD16(lowHalf: q, highHalf: q), to: Builtin.Vec16xInt32.self),
          unsafeBitCast(shifts, to: Builtin.Vec16xInt32.self)), to: SIMD16<UInt32>.self)
    }

    /// The scales of a super-block's sub-block pair `t` (< 4), lanes 4g…4g+3 holding lane
    /// 4t + g of `sixteen`: one `vpermd` with `indices.pair(t)`.
    ///
    /// The indices come from ``GroupScaleIndices/make()``, which the optimiser cannot see into:
    /// with constant indices LLVM folded the permute back into sixteen scalar extracts and
    /// broadcasts per pair (most of a decode step's instructions).
    @_transparent
    static func groupScales(_ sixteen: SIMD16<Int32>, pair t: Int, _ indices: GroupScaleIndices) -> SIMD16<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx512_permvar_si_512(
          unsafeBitCast(sixteen, to: Builtin.Vec16xInt32.self),
          unsafeBitCast(indices.pair(t), to: Builtin.Vec16xInt32.self)), to: SIMD16<Int32>.self)
    }
  }
#elseif TWIN_BYTE_KERNELS
  import Builtin

  /// The three byte operations of the AVX-512 VNNI kernels on AVX2 alone, each 512-bit
  /// operation as two 256-bit halves: `vpmaddubsw` for the byte pair sums and `vpmaddwd` for
  /// the scaled sums, as llama.cpp's AVX2 K-quant kernels use them. Every result is the same
  /// integer as on VNNI, so the kernels above give the same bits on both.
  enum ByteDot {
    /// Four-way byte dot products, exact in 32 bits, as `vpdpbusd` computes them.
    ///
    /// `vpmaddubsw` saturates its 16-bit pair sums, which `u` up to 255 (Q8_0's offset bytes)
    /// would overflow; so each `u` is split into its low seven bits and its top bit, whose
    /// pair sums (at most 2 · 127 · 128, and 2 · 128 · −128 = −2¹⁵) always fit, and the two
    /// widened sums are added.
    @_transparent
    static func dot(_ acc: SIMD16<Int32>, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      let ones = SIMD16<Int32>(repeating: 0x0001_0001)
      let low = pairs(u & 0x7F7F_7F7F, s)
      let high = pairs(u & 0x8080_8080, s)
      return scaledAdd(scaledAdd(acc, low, ones), high, ones)
    }

    /// ``dot(_:_:_:)`` for `u` below 128 in every byte (every format but Q8_0): no pair sum
    /// can saturate (2 · 127 · 128 < 2¹⁵), so one `vpmaddubsw` and one `vpmaddwd` do, half
    /// the multiplies of the split.
    @_transparent
    static func narrowDot(_ acc: SIMD16<Int32>, _ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      scaledAdd(acc, pairs(u, s), SIMD16<Int32>(repeating: 0x0001_0001))
    }

    /// Pairs of unsigned × signed byte products summed into 16-bit lanes (`vpmaddubsw`),
    /// returned two to a 32-bit lane. Saturates beyond ±32767, so callers keep
    /// `2 · max u · 128` below that (K-quant weights have at most six bits).
    @_transparent
    static func pairs(_ u: SIMD16<UInt32>, _ s: SIMD16<Int32>) -> SIMD16<Int32> {
      SIMD16(lowHalf: pairs(u.lowHalf, s.lowHalf), highHalf: pairs(u.highHalf, s.highHalf))
    }

    /// Lane k of `acc` plus both 16-bit halves of lane k of `p` times those of `scales`
    /// (`vpmaddwd`, then an add), exact in 32 bits.
    @_transparent
    static func scaledAdd(_ acc: SIMD16<Int32>, _ p: SIMD16<Int32>, _ scales: SIMD16<Int32>) -> SIMD16<Int32> {
      acc &+ SIMD16(lowHalf: words(p.lowHalf, scales.lowHalf), highHalf: words(p.highHalf, scales.highHalf))
    }

    /// `q` in both halves, the low half shifted right by `low` bits and the high half by
    /// `high`.
    @_transparent
    static func halvesShifted(_ q: SIMD8<UInt32>, _ low: UInt32, _ high: UInt32) -> SIMD16<UInt32> {
      SIMD16(lowHalf: q &>> low, highHalf: q &>> high)
    }

    /// The scales of a super-block's sub-block pair `t` (< 4), lanes 4g…4g+3 holding lane
    /// 4t + g of `sixteen`, as broadcasts (AVX2 has no 16-lane permute).
    @_transparent
    static func groupScales(_ sixteen: SIMD16<Int32>, pair t: Int, _ indices: GroupScaleIndices) -> SIMD16<Int32> {
      SIMD16(
        lowHalf: SIMD8(lowHalf: SIMD4(repeating: sixteen[4 * t]), highHalf: SIMD4(repeating: sixteen[4 * t + 1])),
        highHalf: SIMD8(lowHalf: SIMD4(repeating: sixteen[4 * t + 2]), highHalf: SIMD4(repeating: sixteen[4 * t + 3])))
    }
  }
#endif

#if TWIN_BYTE_KERNELS
  /// The permutation of ``ByteDot/groupScales(_:pair:_:)`` for each sub-block pair of a
  /// super-block: lanes 4g…4g+3 of pair t's index are 4t + g.
  struct GroupScaleIndices {
    var pairs: (SIMD16<Int32>, SIMD16<Int32>, SIMD16<Int32>, SIMD16<Int32>)

    /// Pair `t`'s index (`t` a constant after inlining).
    @_transparent
    func pair(_ t: Int) -> SIMD16<Int32> {
      switch t {
      case 0: pairs.0
      case 1: pairs.1
      case 2: pairs.2
      default: pairs.3
      }
    }

    private static let shared: GroupScaleIndices = {
      func index(_ t: Int32) -> SIMD16<Int32> { SIMD16((0..<16).map { 4 * t + Int32($0 / 4) }) }
      return GroupScaleIndices(pairs: (index(0), index(1), index(2), index(3)))
    }()

    /// The four indices, handed over where the optimiser cannot see them (see
    /// ``ByteDot/groupScales(_:pair:_:)``); called once per product, outside its loops.
    @inline(never) @_optimize(none)
    static func make() -> GroupScaleIndices { shared }
  }

  // Both byte-kernel builds (VNNI and AVX2) have AVX2's 256-bit multiply-adds.
  extension ByteDot {
    /// The 32 bytes at `p` as 64 nibbles: the low nibbles in the low half, the high nibbles in
    /// the high half (one ``halvesShifted(_:_:_:)`` and a mask).
    @_transparent
    static func nibbles(_ p: UnsafeRawPointer) -> SIMD16<UInt32> {
      halvesShifted(p.loadUnaligned(as: SIMD8<UInt32>.self), 0, 4) & 0x0F0F_0F0F
    }

    /// `vpmaddubsw` on 256 bits.
    @_transparent
    static func pairs(_ u: SIMD8<UInt32>, _ s: SIMD8<Int32>) -> SIMD8<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx2_pmadd_ub_sw(
          unsafeBitCast(u, to: Builtin.Vec32xInt8.self), unsafeBitCast(s, to: Builtin.Vec32xInt8.self)),
        to: SIMD8<Int32>.self)
    }

    /// Lane k of `acc` plus both 16-bit halves of lane k of `p` times those of `scales`, on
    /// 256 bits (`vpmaddwd`, then an add).
    @_transparent
    static func scaledAdd(_ acc: SIMD8<Int32>, _ p: SIMD8<Int32>, _ scales: SIMD8<Int32>) -> SIMD8<Int32> {
      acc &+ words(p, scales)
    }

    /// `vpmaddwd` on 256 bits: lane k is the sum of both 16-bit halves of `p` times `q`'s.
    @_transparent
    static func words(_ p: SIMD8<Int32>, _ q: SIMD8<Int32>) -> SIMD8<Int32> {
      unsafeBitCast(
        Builtin.int_x86_avx2_pmadd_wd(
          unsafeBitCast(p, to: Builtin.Vec16xInt16.self), unsafeBitCast(q, to: Builtin.Vec16xInt16.self)),
        to: SIMD8<Int32>.self)
    }
  }
#endif
