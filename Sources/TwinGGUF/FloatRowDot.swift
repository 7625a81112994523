import TwinTensor

/// A plain (unquantised) element type of weight rows: how to read elements as `Float`.
protocol FloatFormat {
  static var type: GGMLType { get }
  /// Elements `i ..< i + 8` of the row at `p`.
  static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float>
  /// Element `i` of the row at `p`.
  static func element(_ p: UnsafeRawPointer, _ i: Int) -> Float
}

enum FloatF32: FloatFormat {
  static let type = GGMLType.f32
  @_transparent static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    p.loadUnaligned(fromByteOffset: 4 * i, as: SIMD8<Float>.self)
  }
  @_transparent static func element(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    p.loadUnaligned(fromByteOffset: 4 * i, as: Float.self)
  }
}

enum FloatF16: FloatFormat {
  static let type = GGMLType.f16
  @_transparent static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    HalfFloat.floats(at: p + 2 * i)
  }
  @_transparent static func element(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    HalfFloat.float(at: p + 2 * i)
  }
}

enum FloatBF16: FloatFormat {
  static let type = GGMLType.bf16
  @_transparent static func load8(_ p: UnsafeRawPointer, _ i: Int) -> SIMD8<Float> {
    HalfFloat.bfloats(at: p + 2 * i)
  }
  @_transparent static func element(_ p: UnsafeRawPointer, _ i: Int) -> Float {
    HalfFloat.bfloat(p.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
  }
}

/// Dot products of F32/F16/BF16 weight rows with `Float` vectors: four rows with one vector,
/// or one row with four vectors. Activations stay `Float` (ggml rounds them to the weight type;
/// this keeps their precision); half-width weights are widened in registers as they stream in.
///
/// As in ``QuantizedDot``, every (row, vector) pair has one 8-lane accumulator over whole
/// groups of eight elements and a scalar FMA chain over the ragged end, in the same order in
/// both kernels, so a result does not depend on the batch it was computed in.
enum FloatRowDot {
  /// `Σ wᵣ[i]·x[i]` over `count` elements for the four rows at `w0`…`w3`.
  @inline(__always)
  static func rows4<F: FloatFormat>(
    _: F.Type, _ w0: UnsafeRawPointer, _ w1: UnsafeRawPointer, _ w2: UnsafeRawPointer,
    _ w3: UnsafeRawPointer, _ x: UnsafePointer<Float>, count: Int
  ) -> SIMD4<Float> {
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var acc2 = SIMD8<Float>()
    var acc3 = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
      let v = load8(x + i)
      acc0 = acc0.addingProduct(F.load8(w0, i), v)
      acc1 = acc1.addingProduct(F.load8(w1, i), v)
      acc2 = acc2.addingProduct(F.load8(w2, i), v)
      acc3 = acc3.addingProduct(F.load8(w3, i), v)
      i += 8
    }
    var tail = SIMD4<Float>()
    while i < count {
      let weights = SIMD4(F.element(w0, i), F.element(w1, i), F.element(w2, i), F.element(w3, i))
      tail = tail.addingProduct(weights, SIMD4(repeating: x[i]))
      i += 1
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) + tail
  }

  /// `Σ w[i]·xᵥ[i]` over `count` elements for the row at `w` and the four vectors `x0`…`x3`.
  @inline(__always)
  static func vectors4<F: FloatFormat>(
    _: F.Type, _ w: UnsafeRawPointer, _ x0: UnsafePointer<Float>, _ x1: UnsafePointer<Float>,
    _ x2: UnsafePointer<Float>, _ x3: UnsafePointer<Float>, count: Int
  ) -> SIMD4<Float> {
    var acc0 = SIMD8<Float>()
    var acc1 = SIMD8<Float>()
    var acc2 = SIMD8<Float>()
    var acc3 = SIMD8<Float>()
    var i = 0
    while i + 8 <= count {
      let weights = F.load8(w, i)
      acc0 = acc0.addingProduct(weights, load8(x0 + i))
      acc1 = acc1.addingProduct(weights, load8(x1 + i))
      acc2 = acc2.addingProduct(weights, load8(x2 + i))
      acc3 = acc3.addingProduct(weights, load8(x3 + i))
      i += 8
    }
    var tail = SIMD4<Float>()
    while i < count {
      tail = tail.addingProduct(
        SIMD4(repeating: F.element(w, i)), SIMD4(x0[i], x1[i], x2[i], x3[i]))
      i += 1
    }
    return SIMD4(
      LaneMath.sum(acc0), LaneMath.sum(acc1), LaneMath.sum(acc2), LaneMath.sum(acc3)) + tail
  }

  @_transparent
  static func load8(_ p: UnsafePointer<Float>) -> SIMD8<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD8<Float>.self)
  }
}
