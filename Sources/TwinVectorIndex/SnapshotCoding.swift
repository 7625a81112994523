/// Little-endian byte encoding for snapshots, with bounds-checked reads and a checksum.

/// Writes values at increasing offsets of a buffer sized in advance.
struct ByteWriter {
  let base: UnsafeMutableRawPointer
  private(set) var offset = 0

  init(_ base: UnsafeMutableRawPointer) { self.base = base }

  @inline(__always)
  mutating func put<T: FixedWidthInteger>(_ value: T) {
    base.storeBytes(of: value.littleEndian, toByteOffset: offset, as: T.self)
    offset += MemoryLayout<T>.size
  }

  mutating func put(_ bytes: [UInt8]) {
    for byte in bytes { put(byte) }
  }

  /// `count` floats as their IEEE bit patterns.
  mutating func putFloats(_ p: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { put(p[i].bitPattern) }
  }
}

/// Reads values at increasing offsets, throwing rather than reading past the end.
struct ByteReader {
  let bytes: UnsafeRawBufferPointer
  private(set) var offset = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Throws unless `count` more bytes are available.
  func require(_ count: Int) throws {
    if count > bytes.count - offset {
      let (needed, overflow) = offset.addingReportingOverflow(count)
      throw VectorIndexError.snapshotTruncated(
        needed: overflow ? Int.max : needed, available: bytes.count)
    }
  }

  @inline(__always)
  mutating func read<T: FixedWidthInteger>(_: T.Type) throws -> T {
    try require(MemoryLayout<T>.size)
    let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
    offset += MemoryLayout<T>.size
    return T(littleEndian: value)
  }

  /// A value already known to be in bounds (after a ``require(_:)`` covering it).
  @inline(__always)
  mutating func readUnchecked<T: FixedWidthInteger>(_: T.Type) -> T {
    let value = bytes.loadUnaligned(fromByteOffset: offset, as: T.self)
    offset += MemoryLayout<T>.size
    return T(littleEndian: value)
  }

  /// The byte at `offset + delta` without moving (the caller has checked the bounds).
  func peekByte(at delta: Int) -> UInt8 { bytes[offset + delta] }

  mutating func skip(_ count: Int) throws {
    try require(count)
    offset += count
  }
}

/// A 64-bit checksum of a snapshot's bytes.
///
/// Each 8-byte word goes through `h ← mix(h ⊕ w)` with a mixing step that is a bijection of the
/// state, so changing any one word (any burst of up to 8 aligned bytes) always changes the
/// result, and the multiply-xorshift mixing spreads every bit over the state so that
/// independent changes do not cancel the way they can in plain FNV. Four lanes over 32-byte
/// blocks let the multiplies overlap; a 170 MB snapshot checks in well under 100 ms.
enum SnapshotChecksum {
  static func compute(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
    var a: UInt64 = 0x243F_6A88_85A3_08D3
    var b: UInt64 = 0x1319_8A2E_0370_7344
    var c: UInt64 = 0xA409_3822_299F_31D0
    var d: UInt64 = 0x082E_FA98_EC4E_6C89
    let n = bytes.count
    var i = 0
    while i + 32 <= n {
      a = step(a, word(bytes, i))
      b = step(b, word(bytes, i + 8))
      c = step(c, word(bytes, i + 16))
      d = step(d, word(bytes, i + 24))
      i += 32
    }
    var h = step(step(step(a, b), c), d)
    while i + 8 <= n {
      h = step(h, word(bytes, i))
      i += 8
    }
    var tail: UInt64 = 0
    var shift: UInt64 = 0
    while i < n {
      tail |= UInt64(bytes[i]) << shift
      shift += 8
      i += 1
    }
    return step(step(h, tail), UInt64(n))
  }

  @inline(__always)
  private static func word(_ bytes: UnsafeRawBufferPointer, _ offset: Int) -> UInt64 {
    UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
  }

  @inline(__always)
  private static func step(_ h: UInt64, _ w: UInt64) -> UInt64 {
    var x = (h ^ w) &* 0x9E37_79B9_7F4A_7C15
    x ^= x >> 29
    return x
  }
}
