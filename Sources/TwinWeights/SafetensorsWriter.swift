import Foundation
import TwinCore

/// Writes `f32` tensors as a safetensors file, the format ``SafetensorsFile`` reads.
///
/// The header lists tensors by name in the order given, with `data_offsets` into the data
/// section, and is padded with spaces to a multiple of 8 bytes as the format recommends. The
/// file is written atomically: a reader sees the old file or the new one, never a part.
public enum SafetensorsWriter {
  /// One tensor to write: its name, shape and row-major values.
  public struct Entry: Sendable {
    /// The tensor's name.
    public var name: String
    /// Its shape (the product must equal `values.count`).
    public var shape: [Int]
    /// Its values, row-major.
    public var values: [Float]

    /// An entry named `name`.
    public init(name: String, shape: [Int], values: [Float]) {
      precondition(shape.reduce(1, *) == values.count, "\(name): shape \(shape) does not hold \(values.count) values")
      self.name = name
      self.shape = shape
      self.values = values
    }
  }

  /// The file's bytes: header length, JSON header, data.
  public static func encode(_ entries: [Entry], metadata: [String: String] = ["format": "pt"]) -> Data {
    var offset = 0
    var fields: [String] = []
    if !metadata.isEmpty {
      let pairs = metadata.keys.sorted().map { "\(quoted($0)):\(quoted(metadata[$0]!))" }
      fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
    }
    for e in entries {
      let size = e.values.count * 4
      let shape = e.shape.map(String.init).joined(separator: ",")
      fields.append("\(quoted(e.name)):{\"dtype\":\"F32\",\"shape\":[\(shape)],\"data_offsets\":[\(offset),\(offset + size)]}")
      offset += size
    }
    var header = Array("{\(fields.joined(separator: ","))}".utf8)
    while header.count % 8 != 0 { header.append(0x20) }
    var data = Data(capacity: 8 + header.count + offset)
    withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
    data.append(contentsOf: header)
    for e in entries {
      e.values.withUnsafeBufferPointer { values in
        for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
      }
    }
    return data
  }

  /// Writes `entries` to `url` atomically.
  public static func write(_ entries: [Entry], to url: URL, metadata: [String: String] = ["format": "pt"]) throws {
    try AtomicFile.write(encode(entries, metadata: metadata), to: url)
  }

  private static func quoted(_ s: String) -> String {
    let data = try! JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])
    return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
  }
}
