import TwinTensor

/// Expansion of stored weights to `Float`: for embedding lookups (one row per token), small
/// tensors such as norms, and checking the formats against a reference.
///
/// Values are computed exactly as ggml and the `gguf` Python package compute them — each a
/// `Float` product of scale and integer (plus the minimum, rounded separately) — so they agree
/// bit for bit.
extension QuantizedMatrix {
  /// Writes row `row` as ``columns`` floats to `out`.
  public func dequantizeRow(_ row: Int, into out: UnsafeMutablePointer<Float>) {
    precondition((0..<rows).contains(row), "row \(row) out of range 0..<\(rows)")
    let p = base + row * rowByteCount
    withStorage {
      switch type {
      case .f32: UnsafeMutableRawPointer(out).copyMemory(from: p, byteCount: 4 * columns)
      case .f16: Dequantize.plain(FloatF16.self, p, count: columns, into: out)
      case .bf16: Dequantize.plain(FloatBF16.self, p, count: columns, into: out)
      case .q4_0: Dequantize.blocks(BlockQ4_0.self, p, count: columns / 32, into: out)
      case .q4_1: Dequantize.blocks(BlockQ4_1.self, p, count: columns / 32, into: out)
      case .q5_0: Dequantize.blocks(BlockQ5_0.self, p, count: columns / 32, into: out)
      case .q5_1: Dequantize.blocks(BlockQ5_1.self, p, count: columns / 32, into: out)
      case .q8_0: Dequantize.blocks(BlockQ8_0.self, p, count: columns / 32, into: out)
      case .q4_K: Dequantize.superBlocks(BlockQ4_K.self, p, count: columns / 256, into: out)
      case .q5_K: Dequantize.superBlocks(BlockQ5_K.self, p, count: columns / 256, into: out)
      case .q6_K: Dequantize.superBlocks(BlockQ6_K.self, p, count: columns / 256, into: out)
      default: preconditionFailure("unsupported tensor type \(type) in tensor '\(name)'")
      }
    }
  }

  /// Row `row` as ``columns`` floats.
  public func dequantizeRow(_ row: Int) -> [Float] {
    [Float](unsafeUninitializedCapacity: columns) { buffer, initialized in
      if let out = buffer.baseAddress { dequantizeRow(row, into: out) }
      initialized = columns
    }
  }

  /// The whole matrix as `rows × columns` floats, row-major.
  public func dequantized() -> [Float] {
    let count = rows * columns
    return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
      if let out = buffer.baseAddress {
        Parallel.forRange(rows, minChunk: max(1, 16_384 / max(columns, 1))) { range in
          for r in range { dequantizeRow(r, into: out + r * columns) }
        }
      }
      initialized = count
    }
  }
}

/// The per-family expansion loops.
enum Dequantize {
  static func plain<F: FloatFormat>(
    _: F.Type, _ p: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    var i = 0
    while i + 8 <= count {
      UnsafeMutableRawPointer(out + i).storeBytes(of: F.load8(p, i), as: SIMD8<Float>.self)
      i += 8
    }
    while i < count {
      out[i] = F.element(p, i)
      i += 1
    }
  }

  static func blocks<F: Block32Format>(
    _: F.Type, _ p: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<count {
      let (weights, d, m) = F.unpack(p + b * F.type.bytesPerBlock)
      weights.dequantize(
        lowScale: d, highScale: d, offset: F.hasMinimum ? m : nil, into: out + 32 * b)
    }
  }

  static func superBlocks<F: SuperBlockFormat>(
    _: F.Type, _ p: UnsafeRawPointer, count: Int, into out: UnsafeMutablePointer<Float>
  ) {
    for b in 0..<count {
      let block = p + b * F.type.bytesPerBlock
      let s = F.scales(block)
      for j in 0..<8 {
        let (low, high, minimum) = F.dequantizationScales(s, j)
        // ggml subtracts the minimum; adding its negation rounds identically.
        F.subBlock(block, j).dequantize(
          lowScale: low, highScale: high, offset: F.hasMinimum ? -minimum : nil,
          into: out + 256 * b + 32 * j)
      }
    }
  }
}
