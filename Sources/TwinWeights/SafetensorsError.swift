/// Why a safetensors file cannot be read. Every message names the file, and the tensor when one
/// is at fault, so a user can tell which download is broken.
public enum SafetensorsError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file cannot be opened or mapped.
  case unreadable(file: String, reason: String)
  /// The file is shorter than the 8-byte length prefix, or than the header it announces.
  case headerTooLarge(file: String, headerLength: UInt64, fileSize: Int)
  /// The header is not a JSON object of tensor entries.
  case invalidHeader(file: String, reason: String)
  /// A tensor entry names a type the format does not have.
  case unsupportedDType(file: String, tensor: String, dtype: String)
  /// `data_offsets` are malformed or disagree with the shape and type.
  case invalidOffsets(file: String, tensor: String, reason: String)
  /// Two tensors claim the same bytes.
  case overlappingTensors(file: String, first: String, second: String)
  /// The data section ends before a tensor does: the file was cut short.
  case truncated(file: String, tensor: String, needed: Int, available: Int)
  /// No tensor has this name; `suggestions` are the closest names the file has.
  case missingTensor(file: String, tensor: String, suggestions: [String])
  /// The tensor's type cannot be converted to `Float`.
  case notFloatingPoint(file: String, tensor: String, dtype: TensorDType)
  /// The destination buffer's size differs from the tensor's element count.
  case bufferSizeMismatch(file: String, tensor: String, expected: Int, got: Int)

  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read safetensors file: \(reason)"
    case .headerTooLarge(let file, let length, let size):
      return "\(file): header length \(length) is larger than the file (\(size) bytes): "
        + "truncated or not a safetensors file"
    case .invalidHeader(let file, let reason):
      return "\(file): invalid safetensors header: \(reason)"
    case .unsupportedDType(let file, let tensor, let dtype):
      let known = TensorDType.allCases.map(\.rawValue).joined(separator: ", ")
      return "\(file): tensor '\(tensor)' has unsupported dtype '\(dtype)' (known: \(known))"
    case .invalidOffsets(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)' has invalid data_offsets: \(reason)"
    case .overlappingTensors(let file, let first, let second):
      return "\(file): tensors '\(first)' and '\(second)' overlap in the data section"
    case .truncated(let file, let tensor, let needed, let available):
      return "\(file): file is truncated: tensor '\(tensor)' ends at data byte \(needed) "
        + "but the data section has only \(available) bytes"
    case .missingTensor(let file, let tensor, let suggestions):
      let hint = suggestions.isEmpty ? "" : " (closest: \(suggestions.joined(separator: ", ")))"
      return "\(file): no tensor named '\(tensor)'\(hint)"
    case .notFloatingPoint(let file, let tensor, let dtype):
      return
        "\(file): tensor '\(tensor)' is \(dtype), which cannot be converted to Float (F32, F16 and BF16 can)"
    case .bufferSizeMismatch(let file, let tensor, let expected, let got):
      return "\(file): tensor '\(tensor)' has \(expected) elements but the destination holds \(got)"
    }
  }
}
