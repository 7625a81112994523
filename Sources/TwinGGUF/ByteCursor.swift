/// A bounds-checked little-endian reader over a file's bytes.
///
/// Every read checks the remaining length first and throws ``Overrun`` (with the offset the read
/// would have needed) instead of touching memory past the end, so a truncated or corrupt header
/// can only ever produce an error. The parser attaches what it was reading to the overrun.
struct ByteCursor {
  /// A read that would end past the end of the bytes, at `needed` (saturated at `Int.max`).
  struct Overrun: Error {
    var needed: Int
  }

  let bytes: UnsafeRawBufferPointer
  private(set) var offset = 0

  init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

  /// Bytes left after the current position.
  var remaining: Int { bytes.count - offset }

  /// Moves past `count` bytes and returns them.
  mutating func take(_ count: Int) throws(Overrun) -> UnsafeRawBufferPointer {
    guard count >= 0, count <= remaining else {
      let (end, overflow) = offset.addingReportingOverflow(max(count, 0))
      throw Overrun(needed: overflow ? Int.max : end)
    }
    let slice = UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + count)])
    offset += count
    return slice
  }

  /// Skips to the next multiple of `alignment` (a power of two), or fails when that is past the
  /// end.
  mutating func align(to alignment: Int) throws(Overrun) {
    let padding = (alignment - offset % alignment) % alignment
    _ = try take(padding)
  }

  /// The next fixed-width little-endian integer.
  mutating func read<T: FixedWidthInteger>(_: T.Type) throws(Overrun) -> T {
    let raw = try take(MemoryLayout<T>.size)
    return T(littleEndian: raw.loadUnaligned(as: T.self))
  }

  mutating func readFloat() throws(Overrun) -> Float {
    Float(bitPattern: try read(UInt32.self))
  }

  mutating func readDouble() throws(Overrun) -> Double {
    Double(bitPattern: try read(UInt64.self))
  }

  /// A length (a GGUF `uint64` count) as an `Int`; lengths beyond `Int.max` cannot fit in any
  /// file, so they are reported as an overrun.
  mutating func readLength() throws(Overrun) -> Int {
    let value = try read(UInt64.self)
    guard let length = Int(exactly: value) else { throw Overrun(needed: Int.max) }
    return length
  }

  /// A GGUF string: a `uint64` byte length, then that many bytes of UTF-8 (no terminator).
  ///
  /// Invalid UTF-8 is repaired with U+FFFD rather than rejected; GGUF promises UTF-8 and the
  /// tokenizers' byte tokens are spelled in ASCII (`<0x0A>`), so repair only ever affects
  /// files that are broken anyway.
  mutating func readString() throws(Overrun) -> String {
    let length = try readLength()
    return String(decoding: try take(length), as: UTF8.self)
  }

  /// Fails unless `count` elements of `size` bytes each can still be read, before anything is
  /// allocated for them: a corrupt count must not reserve terabytes.
  func requireElements(_ count: Int, size: Int) throws(Overrun) {
    let (total, overflow) = count.multipliedReportingOverflow(by: size)
    guard !overflow, total <= remaining else {
      let (end, endOverflow) = offset.addingReportingOverflow(total)
      throw Overrun(needed: overflow || endOverflow ? Int.max : end)
    }
  }
}
