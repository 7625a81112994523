import TwinTensor

/// Activation vectors quantised to 8 bits, the other operand of the quantised dot products.
///
/// As in llama.cpp, a quantised weight matrix is multiplied by activations that have themselves
/// been quantised, so that the inner loop is integer multiply-adds on both sides and one `Float`
/// operation per block. Each block of `format.blockSize` activations gets a scale
/// `d = max|x| / 127` and values `q = round(x · 127 / max|x|)` (to nearest, ties to even) in
/// −127…127, so that `x ≈ d · q`. ``Format/q8_0`` blocks of 32 serve the 32-element weight
/// types; ``Format/q8_K`` blocks of 256 the K-quants, whose super-blocks share one scale.
///
/// As in ggml, the 32-element blocks store their scale and `d · Σ q` rounded to `Float16`, and
/// the 256-element blocks keep a `Float` scale. Matching those roundings makes single-token
/// products agree with llama.cpp's bit for bit (measured on SmolLM2's Q4_1 layers), which is
/// what keeps greedy output identical.
/// Alongside the values each 32 elements keep `Σ q` (ggml's Q8_1 sum and Q8_K `bsums`), which
/// the weight types with a minimum need; for Q8_0 also `d · Σ q`.
///
/// Quantise once per input vector and reuse for every matrix that multiplies it (the query,
/// key and value projections; the gate and up projections). Several vectors (the tokens of a
/// prompt) can be quantised together for ``QuantizedMatrix/matmul(_:into:outputStride:)``.
public struct Q8Activations: @unchecked Sendable {
  /// The block structure, which must match the weights' ``QuantizedMatrix/activationFormat``.
  public enum Format: Sendable, Equatable {
    /// Blocks of 32 (ggml's Q8_0/Q8_1), for Q4_0, Q4_1, Q5_0, Q5_1 and Q8_0 weights.
    case q8_0
    /// Blocks of 256 (ggml's Q8_K), for Q4_K, Q5_K and Q6_K weights.
    case q8_K

    /// Activations per block.
    public var blockSize: Int { self == .q8_0 ? 32 : 256 }
  }

  /// Blocks of 32 or 256.
  public let format: Format
  /// The number of vectors.
  public let count: Int
  /// Elements per vector, a multiple of the block size.
  public let length: Int

  // `@unchecked Sendable`: the storage is written only during `init`.
  let storage: Storage

  /// Quantises `count` vectors of `length` floats, `stride` floats apart (default `length`).
  ///
  /// NaNs quantise to 0 rather than trapping; a vector containing one gives meaningless
  /// products, as it would in `Float`.
  public init(
    _ x: UnsafePointer<Float>, count: Int, length: Int, stride: Int? = nil, format: Format
  ) {
    let stride = stride ?? length
    precondition(count >= 0 && stride >= length, "bad activation shape")
    precondition(
      length % format.blockSize == 0,
      "activation length \(length) is not a multiple of the block size \(format.blockSize)")
    self.format = format
    self.count = count
    self.length = length
    storage = Storage(count: count, length: length, blockSize: format.blockSize)
    // Vectors are independent; a prompt's are quantised on all threads (each writes its own
    // slots of the storage).
    Parallel.forRange(count, minChunk: 16) { range in
      for v in range { quantize(x + v * stride, vector: v) }
    }
  }

  /// Quantises one vector.
  public init(_ x: [Float], format: Format) {
    self = x.withUnsafeBufferPointer { buffer in
      Q8Activations(
        buffer.baseAddress ?? UnsafePointer(Storage.emptyFloat), count: 1, length: buffer.count,
        format: format)
    }
  }

  /// The quantised value of element `index` of vector `vector` (−127…127).
  public func value(vector: Int, index: Int) -> Int8 {
    precondition((0..<count).contains(vector) && (0..<length).contains(index), "out of range")
    // Within each 32 elements, even indices come first, then odd ones.
    let group = index / 32
    let within = index % 32
    let slot = group * 32 + (within % 2) * 16 + within / 2
    return Int8(storage.quants[vector * length + slot])
  }

  /// The scale d of block `block` (of `format.blockSize` elements) of vector `vector`.
  public func scale(vector: Int, block: Int) -> Float {
    let blocks = length / format.blockSize
    precondition((0..<count).contains(vector) && (0..<blocks).contains(block), "out of range")
    return storage.scales[vector * blocks + block]
  }

  /// `Σ q` over elements `32·group ..< 32·group + 32` of vector `vector`.
  public func sum(vector: Int, group: Int) -> Int {
    let groups = length / 32
    precondition((0..<count).contains(vector) && (0..<groups).contains(group), "out of range")
    return Int(storage.sums[vector * groups + group])
  }

  /// Quantises one vector into slot `v` of the storage.
  private func quantize(_ x: UnsafePointer<Float>, vector v: Int) {
    let blockSize = format.blockSize
    let blocks = length / blockSize
    let quants = storage.quants + v * length
    let scales = storage.scales + v * blocks
    let sums = storage.sums + v * (length / 32)
    let offsets = storage.offsets + v * blocks
    let bytes = storage.bytes + v * length
    let laneSums = storage.laneSums + v * (length / 4)
    for b in 0..<blocks {
      let block = x + b * blockSize
      let finite = Q8GroupQuantizer.maximumMagnitude(block, count: blockSize)
      var amax: Float = 0
      if let finite {
        amax = finite
      } else {
        for i in 0..<blockSize { amax = Swift.max(amax, abs(block[i])) }
      }
      let inverse: Float = amax > 0 ? 127 / amax : 0
      // ggml's Q8_K scale is the reciprocal of its inverse scale (1 / (−127 / max)), which can
      // differ from amax / 127 in the last bit; Q8_0 uses amax / 127 (its AVX quantiser).
      let d = format == .q8_K && amax > 0 ? 1 / inverse : amax / 127
      var blockSum: Int32 = 0
      for g in 0..<(blockSize / 32) where finite != nil {
        let group = 32 * g
        let groupSum = Q8GroupQuantizer.quantize(
          block + group, inverse: inverse, split: quants + b * blockSize + group,
          natural: bytes + b * blockSize + group, fours: laneSums + (b * blockSize + group) / 4)
        sums[b * (blockSize / 32) + g] = groupSum
        blockSum += groupSum
      }
      for g in 0..<(blockSize / 32) where finite == nil {
        let group = block + 32 * g
        let out = quants + b * blockSize + 32 * g
        let natural = bytes + b * blockSize + 32 * g
        let fours = laneSums + (b * blockSize + 32 * g) / 4
        var groupSum: Int32 = 0
        for i in 0..<16 {
          let even = Self.round(group[2 * i] * inverse)
          let odd = Self.round(group[2 * i + 1] * inverse)
          out[i] = even
          out[16 + i] = odd
          natural[2 * i] = Int8(truncatingIfNeeded: even)
          natural[2 * i + 1] = Int8(truncatingIfNeeded: odd)
          groupSum += Int32(even) + Int32(odd)
        }
        for k in 0..<8 {
          fours[k] = Int32(natural[4 * k]) + Int32(natural[4 * k + 1]) + Int32(natural[4 * k + 2]) + Int32(natural[4 * k + 3])
        }
        sums[b * (blockSize / 32) + g] = groupSum
        blockSum += groupSum
      }
      if format == .q8_K {
        // ggml's Q8_K `bsums`: per 16 elements, from the four-element sums.
        let halfSums = storage.halfSums + v * (length / 16) + b * (blockSize / 16)
        let fours = laneSums + b * blockSize / 4
        for i in 0..<(blockSize / 16) {
          halfSums[i] = fours[4 * i] + fours[4 * i + 1] + fours[4 * i + 2] + fours[4 * i + 3]
        }
      }
      if format == .q8_0 {
        // ggml stores Q8_0/Q8_1 block scales and sums in f16; rounding the same way keeps
        // products equal to llama.cpp's to the last bits that can flip a greedy choice.
        scales[b] = Float(Float16(d))
        offsets[b] = Float(Float16(d * Float(blockSum)))
      } else {
        scales[b] = d
        offsets[b] = d * Float(blockSum)
      }
    }
  }

  /// `v` rounded to the nearest integer (ties to even), within −127…127; NaN gives 0.
  @inline(__always)
  private static func round(_ v: Float) -> Int16 {
    guard !v.isNaN else { return 0 }
    return Int16(Swift.min(127, Swift.max(-127, v.rounded(.toNearestOrEven))))
  }

  /// The quantised vectors, laid out for the kernels. Immutable once quantised.
  final class Storage {
    /// `count × length` values; each 32 elements as 16 even-index then 16 odd-index values,
    /// widened to 16 bits so the kernels multiply them without converting.
    let quants: UnsafeMutablePointer<Int16>
    /// Per block: the scale d.
    let scales: UnsafeMutablePointer<Float>
    /// Per 32 elements: `Σ q`.
    let sums: UnsafeMutablePointer<Int32>
    /// Per block: `d · Σ q` (used with Q8_0 blocks, whose weights may have a minimum).
    let offsets: UnsafeMutablePointer<Float>
    /// `count × length` values in natural order, for the byte kernels.
    let bytes: UnsafeMutablePointer<Int8>
    /// Per four elements: `Σ q`, for the byte kernels.
    let laneSums: UnsafeMutablePointer<Int32>
    /// Per 16 elements: `Σ q` (ggml's Q8_K `bsums`), for Q8_K blocks only.
    let halfSums: UnsafeMutablePointer<Int32>

    init(count: Int, length: Int, blockSize: Int) {
      let blocks = count * (length / blockSize)
      bytes = .allocate(capacity: max(count * length, 1))
      laneSums = .allocate(capacity: max(count * length / 4, 1))
      halfSums = .allocate(capacity: max(count * length / 16, 1))
      quants = .allocate(capacity: max(count * length, 1))
      scales = .allocate(capacity: max(blocks, 1))
      sums = .allocate(capacity: max(count * length / 32, 1))
      offsets = .allocate(capacity: max(blocks, 1))
    }

    deinit {
      quants.deallocate()
      scales.deallocate()
      sums.deallocate()
      offsets.deallocate()
      bytes.deallocate()
      laneSums.deallocate()
      halfSums.deallocate()
    }

    /// A valid address standing in for an empty array's missing one (never read).
    nonisolated(unsafe) static let emptyFloat = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  }
}
