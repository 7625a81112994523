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
  }
#endif
