import Foundation

/// Writes GGUF files byte by byte, including broken ones, for the validation tests.
struct GGUFBuilder {
  var magic: [UInt8] = Array("GGUF".utf8)
  var version: UInt32 = 3
  /// Encoded entries: key, then value type and value.
  var entries: [[UInt8]] = []
  var tensorEntries: [[UInt8]] = []
  /// Overrides of the counts the header announces (the true counts otherwise).
  var keyCount: UInt64?
  var tensorCount: UInt64?
  var alignment = 32
  var data: [UInt8] = []

  // MARK: Encoding

  static func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
    withUnsafeBytes(of: value.littleEndian) { Array($0) }
  }

  static func string(_ s: String) -> [UInt8] {
    let utf8 = Array(s.utf8)
    return le(UInt64(utf8.count)) + utf8
  }

  /// Adds an entry whose value is `typeID` followed by `payload`.
  mutating func add(_ key: String, typeID: UInt32, payload: [UInt8]) {
    entries.append(Self.string(key) + Self.le(typeID) + payload)
  }

  mutating func add(_ key: String, uint32 value: UInt32) {
    add(key, typeID: 4, payload: Self.le(value))
  }
  mutating func add(_ key: String, string value: String) {
    add(key, typeID: 8, payload: Self.string(value))
  }

  /// Adds a tensor entry.
  mutating func addTensor(_ name: String, dimensions: [UInt64], typeID: UInt32, offset: UInt64) {
    var bytes = Self.string(name) + Self.le(UInt32(dimensions.count))
    for d in dimensions { bytes += Self.le(d) }
    tensorEntries.append(bytes + Self.le(typeID) + Self.le(offset))
  }

  /// An F32 tensor of `count` floats stored at the end of the data so far (aligned).
  mutating func addF32Tensor(_ name: String, values: [Float]) {
    while data.count % alignment != 0 { data.append(0) }
    let offset = UInt64(data.count)
    for v in values { data += Self.le(v.bitPattern) }
    addTensor(name, dimensions: [UInt64(values.count)], typeID: 0, offset: offset)
  }

  /// The file's bytes.
  func bytes() -> [UInt8] {
    var out = magic + Self.le(version)
    out += Self.le(tensorCount ?? UInt64(tensorEntries.count))
    out += Self.le(keyCount ?? UInt64(entries.count))
    for e in entries { out += e }
    for t in tensorEntries { out += t }
    while out.count % alignment != 0 { out.append(0) }
    return out + data
  }

  /// Writes the file to a new temporary directory.
  func write(_ name: String = "model.gguf") throws -> URL {
    try Self.write(bytes(), name)
  }

  static func write(_ bytes: [UInt8], _ name: String = "model.gguf") throws -> URL {
    let url = try temporaryDirectory().appendingPathComponent(name)
    try Data(bytes).write(to: url)
    return url
  }

  /// A small valid file: architecture, a string, and two F32 tensors.
  static func valid() -> GGUFBuilder {
    var builder = GGUFBuilder()
    builder.add("general.architecture", string: "test")
    builder.add("test.block_count", uint32: 2)
    builder.addF32Tensor("a", values: [1, 2, 3])
    builder.addF32Tensor("b", values: [4, 5])
    return builder
  }
}
