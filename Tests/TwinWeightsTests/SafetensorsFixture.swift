import Foundation

/// Builds safetensors files byte by byte, so tests control every field (and can break any).
struct SafetensorsFixture {
  struct Tensor {
    var name: String
    var dtype: String
    var shape: [Int]
    var bytes: [UInt8]
    /// Overrides the computed `data_offsets` (to write inconsistent headers).
    var offsets: [Int]?
  }

  var tensors: [Tensor] = []
  var metadata: [String: String]? = ["format": "pt"]
  /// Extra spaces after the JSON; an odd count leaves the data section unaligned.
  var padding = 3

  mutating func add(
    _ name: String, _ dtype: String, _ shape: [Int], _ bytes: [UInt8], offsets: [Int]? = nil
  ) {
    tensors.append(Tensor(name: name, dtype: dtype, shape: shape, bytes: bytes, offsets: offsets))
  }

  mutating func add(_ name: String, f32 values: [Float], shape: [Int]) {
    add(name, "F32", shape, values.flatMap { le($0.bitPattern) })
  }

  mutating func add(_ name: String, halfBits: [UInt16], dtype: String, shape: [Int]) {
    add(name, dtype, shape, halfBits.flatMap { le($0) })
  }

  /// The header JSON text: tensors in insertion order, data laid out back to back.
  func headerJSON() -> String {
    var parts: [String] = []
    if let metadata {
      let pairs = metadata.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\"\($0.value)\"" }
      parts.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    var offset = 0
    for t in tensors {
      let offsets = t.offsets ?? [offset, offset + t.bytes.count]
      offset += t.bytes.count
      let shape = t.shape.map(String.init).joined(separator: ",")
      parts.append(
        "\"\(t.name)\":{\"dtype\":\"\(t.dtype)\",\"shape\":[\(shape)],"
          + "\"data_offsets\":[\(offsets[0]),\(offsets[1])]}"
      )
    }
    return "{" + parts.joined(separator: ",") + "}" + String(repeating: " ", count: padding)
  }

  func bytes(header: String? = nil, headerLength: UInt64? = nil) -> [UInt8] {
    let json = Array((header ?? headerJSON()).utf8)
    return le(headerLength ?? UInt64(json.count)) + json + tensors.flatMap(\.bytes)
  }

  /// Writes the file into a fresh temporary directory and returns its URL.
  func write(name: String = "model.safetensors", bytes: [UInt8]? = nil) throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
      "twin-weights-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let url = dir.appendingPathComponent(name)
    try Data(bytes ?? self.bytes()).write(to: url)
    return url
  }
}

func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] {
  withUnsafeBytes(of: value.littleEndian) { Array($0) }
}
