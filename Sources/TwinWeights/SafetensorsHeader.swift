import Foundation
import TwinCore

/// The parsed and checked JSON header of a safetensors file.
struct SafetensorsHeader {
  /// Tensors by name.
  var tensors: [String: TensorInfo]
  /// Tensor names in data order (by first byte), the order they were written in.
  var names: [String]
  /// The free-form `__metadata__` map (string values per the format; other JSON is kept as text).
  var metadata: [String: String]

  /// Parses `json` and checks every entry against the data section's length, so that no later
  /// access can read outside the file.
  init(json: UnsafeRawBufferPointer, dataLength: Int, file: String) throws(SafetensorsError) {
    let root: JSONValue
    do {
      root = try JSONDecoder().decode(JSONValue.self, from: Data(json))
    } catch {
      throw .invalidHeader(file: file, reason: "not valid JSON (\(Self.describe(error)))")
    }
    guard case .object(let entries) = root else {
      throw .invalidHeader(file: file, reason: "expected a JSON object of tensors")
    }
    var tensors: [String: TensorInfo] = [:]
    var metadata: [String: String] = [:]
    for (name, value) in entries {
      if name == "__metadata__" {
        guard case .object(let pairs) = value else {
          throw .invalidHeader(file: file, reason: "__metadata__ must be an object")
        }
        for (key, item) in pairs { metadata[key] = item.stringValue ?? item.canonicalJSON }
        continue
      }
      tensors[name] = try Self.entry(name: name, value: value, file: file)
    }
    let ordered = tensors.values.sorted {
      ($0.byteRange.lowerBound, $0.name) < ($1.byteRange.lowerBound, $1.name)
    }
    try Self.checkLayout(ordered, dataLength: dataLength, file: file)
    self.tensors = tensors
    self.names = ordered.map(\.name)
    self.metadata = metadata
  }

  /// One tensor entry: `{"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}`.
  private static func entry(name: String, value: JSONValue, file: String) throws(SafetensorsError)
    -> TensorInfo
  {
    guard case .object(let fields) = value else {
      throw .invalidHeader(file: file, reason: "tensor '\(name)' is not an object")
    }
    guard let dtypeName = fields["dtype"]?.stringValue else {
      throw .invalidHeader(file: file, reason: "tensor '\(name)' has no dtype string")
    }
    guard let dtype = TensorDType(rawValue: dtypeName) else {
      throw .unsupportedDType(file: file, tensor: name, dtype: dtypeName)
    }
    guard case .array(let dims) = fields["shape"], let shape = integers(dims),
      shape.allSatisfy({ $0 >= 0 })
    else {
      throw .invalidHeader(
        file: file, reason: "tensor '\(name)' shape must be a list of non-negative integers")
    }
    guard case .array(let pair) = fields["data_offsets"], let offsets = integers(pair),
      offsets.count == 2
    else {
      throw .invalidOffsets(file: file, tensor: name, reason: "expected [begin, end] integers")
    }
    let (begin, end) = (offsets[0], offsets[1])
    guard begin >= 0, begin <= end else {
      throw .invalidOffsets(file: file, tensor: name, reason: "[\(begin), \(end)] is out of range")
    }
    // Checked arithmetic: a hostile shape must not wrap around to a small, plausible size.
    var expected = dtype.byteSize
    for dim in shape {
      let (product, overflow) = expected.multipliedReportingOverflow(by: dim)
      guard !overflow else {
        throw .invalidOffsets(file: file, tensor: name, reason: "shape \(shape) is too large")
      }
      expected = product
    }
    guard end - begin == expected else {
      throw .invalidOffsets(
        file: file, tensor: name,
        reason:
          "[\(begin), \(end)] spans \(end - begin) bytes but shape \(shape) of \(dtype) needs \(expected)"
      )
    }
    return TensorInfo(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
  }

  /// Rejects overlapping tensors and tensors past the end of the data.
  private static func checkLayout(_ ordered: [TensorInfo], dataLength: Int, file: String)
    throws(SafetensorsError)
  {
    var previous: TensorInfo?
    for tensor in ordered where !tensor.byteRange.isEmpty {
      if let previous, tensor.byteRange.lowerBound < previous.byteRange.upperBound {
        throw .overlappingTensors(file: file, first: previous.name, second: tensor.name)
      }
      previous = tensor
    }
    if let last = ordered.max(by: { $0.byteRange.upperBound < $1.byteRange.upperBound }),
      last.byteRange.upperBound > dataLength
    {
      throw .truncated(
        file: file, tensor: last.name, needed: last.byteRange.upperBound, available: dataLength)
    }
  }

  private static func integers(_ values: [JSONValue]) -> [Int]? {
    var result: [Int] = []
    for value in values {
      guard let int = value.intValue else { return nil }
      result.append(int)
    }
    return result
  }

  /// The decoder's reason without Swift's type dump.
  private static func describe(_ error: any Error) -> String {
    if case DecodingError.dataCorrupted(let context) = error {
      let underlying = (context.underlyingError as? NSError)?.localizedDescription
      return underlying ?? context.debugDescription
    }
    return "\(error)"
  }
}
