import Foundation
import TwinCore

/// Writes GGUF files (version 3): metadata, tensor entries, and aligned tensor data.
///
/// Tensors can be written as `F32`, `F16` or `Q8_0` from `Float` rows; ``encode(_:as:)`` does the
/// conversion the way ggml's reference code does (Q8_0: one `f16` scale, `max|x| / 127`, per
/// block of 32, values rounded to the nearest integer), so llama.cpp reads back what it would
/// have written itself. The file is written atomically.
public struct GGUFWriter: Sendable {
  /// One tensor: its name, shape (rows × row length) and encoded bytes.
  public struct Tensor: Sendable {
    /// The tensor's name (`blk.0.attn_q.weight`).
    public var name: String
    /// Dimensions in ggml's order, innermost first (`[row length, rows]`).
    public var dimensions: [Int]
    /// The element type of `bytes`.
    public var type: GGMLType
    /// The encoded data.
    public var bytes: [UInt8]
  }

  /// Metadata entries, in the order they are written.
  public private(set) var metadata: [(key: String, value: GGUFValue)] = []
  /// Tensors, in the order they are written.
  public private(set) var tensors: [Tensor] = []
  /// The data alignment (`general.alignment`, 32 by default).
  public var alignment = 32

  /// An empty file.
  public init() {}

  /// Sets `key` to `value`, replacing an earlier value in place.
  public mutating func set(_ key: String, _ value: GGUFValue) {
    if let i = metadata.firstIndex(where: { $0.key == key }) {
      metadata[i].value = value
    } else {
      metadata.append((key, value))
    }
  }

  /// Removes `key` if present.
  public mutating func remove(_ key: String) { metadata.removeAll { $0.key == key } }

  /// Adds a tensor of `rows × cols` row-major floats, encoded as `type`.
  public mutating func add(_ name: String, rows: Int, cols: Int, values: [Float], as type: GGMLType) {
    precondition(values.count == rows * cols, "\(name): \(values.count) values for \(rows) × \(cols)")
    let dimensions = rows == 1 && type == .f32 ? [cols] : [cols, rows]
    tensors.append(Tensor(name: name, dimensions: dimensions, type: type, bytes: Self.encode(values, as: type)))
  }

  /// `values` (whole rows whose length is a multiple of the type's block size) as `type`.
  public static func encode(_ values: [Float], as type: GGMLType) -> [UInt8] {
    var out: [UInt8] = []
    switch type {
    case .f32:
      out.reserveCapacity(values.count * 4)
      for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    case .f16:
      out.reserveCapacity(values.count * 2)
      for v in values { withUnsafeBytes(of: Float16(v).bitPattern.littleEndian) { out.append(contentsOf: $0) } }
    case .q8_0:
      precondition(values.count % 32 == 0, "Q8_0 needs whole blocks of 32")
      out.reserveCapacity(values.count / 32 * 34)
      for block in stride(from: 0, to: values.count, by: 32) {
        var largest: Float = 0
        for v in values[block..<(block + 32)] { largest = max(largest, abs(v)) }
        let d = largest / 127
        let inverse: Float = d != 0 ? 1 / d : 0
        withUnsafeBytes(of: Float16(d).bitPattern.littleEndian) { out.append(contentsOf: $0) }
        for v in values[block..<(block + 32)] { out.append(UInt8(bitPattern: Int8((v * inverse).rounded()))) }
      }
    default:
      preconditionFailure("GGUFWriter encodes F32, F16 and Q8_0, not \(type)")
    }
    return out
  }

  /// The file's bytes.
  public func encoded() -> Data {
    var header = Data()
    func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { header.append(contentsOf: $0) } }
    func appendString(_ s: String) {
      append(UInt64(s.utf8.count))
      header.append(contentsOf: Array(s.utf8))
    }
    header.append(contentsOf: Array("GGUF".utf8))
    append(UInt32(3))
    append(UInt64(tensors.count))
    var entries = metadata
    if alignment != 32, !entries.contains(where: { $0.key == "general.alignment" }) {
      entries.append(("general.alignment", .uint32(UInt32(alignment))))
    }
    append(UInt64(entries.count))
    for (key, value) in entries {
      appendString(key)
      Self.encode(value, into: &header)
    }
    var offset = 0
    var offsets: [Int] = []
    for t in tensors {
      offsets.append(offset)
      offset += (t.bytes.count + alignment - 1) / alignment * alignment
    }
    for (t, o) in zip(tensors, offsets) {
      appendString(t.name)
      append(UInt32(t.dimensions.count))
      for d in t.dimensions { append(UInt64(d)) }
      append(UInt32(t.type.rawValue))
      append(UInt64(o))
    }
    var data = header
    data.append(contentsOf: [UInt8](repeating: 0, count: (alignment - data.count % alignment) % alignment))
    for t in tensors {
      data.append(contentsOf: t.bytes)
      data.append(contentsOf: [UInt8](repeating: 0, count: (alignment - t.bytes.count % alignment) % alignment))
    }
    return data
  }

  /// Writes the file to `url` atomically.
  public func write(to url: URL) throws { try AtomicFile.write(encoded(), to: url) }

  // MARK: - Values

  private static func typeID(_ value: GGUFValue) -> UInt32 {
    switch value {
    case .uint8: 0
    case .int8: 1
    case .uint16: 2
    case .int16: 3
    case .uint32: 4
    case .int32: 5
    case .float32: 6
    case .bool: 7
    case .string: 8
    case .array: 9
    case .uint64: 10
    case .int64: 11
    case .float64: 12
    }
  }

  private static func typeID(_ array: GGUFArray) -> UInt32 {
    switch array {
    case .uint8: 0
    case .int8: 1
    case .uint16: 2
    case .int16: 3
    case .uint32: 4
    case .int32: 5
    case .float32: 6
    case .bool: 7
    case .string: 8
    case .array: 9
    case .uint64: 10
    case .int64: 11
    case .float64: 12
    }
  }

  private static func encode(_ value: GGUFValue, into data: inout Data) {
    func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    append(typeID(value))
    switch value {
    case .array(let array): encode(array, into: &data)
    default: encodePayload(value, into: &data)
    }
  }

  private static func encodePayload(_ value: GGUFValue, into data: inout Data) {
    func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    switch value {
    case .uint8(let v): append(v)
    case .int8(let v): append(v)
    case .uint16(let v): append(v)
    case .int16(let v): append(v)
    case .uint32(let v): append(v)
    case .int32(let v): append(v)
    case .uint64(let v): append(v)
    case .int64(let v): append(v)
    case .float32(let v): append(v.bitPattern)
    case .float64(let v): append(v.bitPattern)
    case .bool(let v): append(UInt8(v ? 1 : 0))
    case .string(let s):
      append(UInt64(s.utf8.count))
      data.append(contentsOf: Array(s.utf8))
    case .array(let a): encode(a, into: &data)
    }
  }

  /// An array's element type, count and elements (the type ID of the array itself is written
  /// by the caller).
  private static func encode(_ array: GGUFArray, into data: inout Data) {
    func append<T: FixedWidthInteger>(_ v: T) { withUnsafeBytes(of: v.littleEndian) { data.append(contentsOf: $0) } }
    append(typeID(array))
    append(UInt64(array.count))
    switch array {
    case .uint8(let a): a.forEach { append($0) }
    case .int8(let a): a.forEach { append($0) }
    case .uint16(let a): a.forEach { append($0) }
    case .int16(let a): a.forEach { append($0) }
    case .uint32(let a): a.forEach { append($0) }
    case .int32(let a): a.forEach { append($0) }
    case .uint64(let a): a.forEach { append($0) }
    case .int64(let a): a.forEach { append($0) }
    case .float32(let a): a.forEach { append($0.bitPattern) }
    case .float64(let a): a.forEach { append($0.bitPattern) }
    case .bool(let a): a.forEach { append(UInt8($0 ? 1 : 0)) }
    case .string(let a):
      for s in a {
        append(UInt64(s.utf8.count))
        data.append(contentsOf: Array(s.utf8))
      }
    case .array(let a): a.forEach { encode($0, into: &data) }
    }
  }
}
