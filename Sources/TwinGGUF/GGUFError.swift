/// Why a GGUF file cannot be read or used. Every message names the file, and the metadata key or
/// tensor at fault, so a user can tell which download is broken and where.
public enum GGUFError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The file cannot be opened or mapped.
  case unreadable(file: String, reason: String)
  /// The first four bytes are not `GGUF`.
  case notGGUF(file: String, magic: [UInt8])
  /// A format version this reader does not understand (2 and 3 are read).
  case unsupportedVersion(file: String, version: UInt32)
  /// The file ends inside the header, metadata or tensor table; `context` says what was being
  /// read (a key, a tensor) and `offset` where it would have ended.
  case truncated(file: String, context: String, offset: Int, fileSize: Int)
  /// A metadata entry is malformed: unknown value type, bad bool, absurd length, ….
  case invalidMetadata(file: String, key: String, reason: String)
  /// Two metadata entries share a key.
  case duplicateKey(file: String, key: String)
  /// A tensor's table entry is malformed: too many dimensions, overflowing size, misaligned
  /// offset, a row length that is not a whole number of blocks, ….
  case invalidTensor(file: String, tensor: String, reason: String)
  /// A tensor's type id is not a ggml type at all, so its size cannot even be known.
  case unknownTensorType(file: String, tensor: String, typeID: UInt32)
  /// Two tensors share a name.
  case duplicateTensor(file: String, tensor: String)
  /// Two tensors claim the same bytes.
  case overlappingTensors(file: String, first: String, second: String)
  /// A tensor's data runs past the end of the file: the file was cut short.
  case truncatedData(file: String, tensor: String, end: Int, fileSize: Int)
  /// No metadata entry has this key; `suggestions` are the closest keys the file has.
  case missingKey(file: String, key: String, suggestions: [String])
  /// The entry exists but holds another type than the accessor reads.
  case wrongValueType(file: String, key: String, expected: String, found: String)
  /// No tensor has this name; `suggestions` are the closest names the file has.
  case missingTensor(file: String, tensor: String, suggestions: [String])
  /// The tensor's type is a known ggml type this module cannot compute with.
  case unsupportedTensorType(file: String, tensor: String, type: GGMLType)
  /// The tensor does not have the shape the operation needs (a matrix, a row in range, …).
  case shapeMismatch(file: String, tensor: String, reason: String)

  /// The message, starting with the file's path.
  public var description: String {
    switch self {
    case .unreadable(let file, let reason):
      return "\(file): cannot read GGUF file: \(reason)"
    case .notGGUF(let file, let magic):
      let shown = magic.map { (32..<127).contains($0) ? String(UnicodeScalar($0)) : "." }.joined()
      return "\(file): not a GGUF file (the first bytes are '\(shown)', expected 'GGUF')"
    case .unsupportedVersion(let file, let version):
      let hint =
        version.byteSwapped == 2 || version.byteSwapped == 3
        ? " (a big-endian file; only little-endian GGUF is supported)" : " (2 and 3 are supported)"
      return "\(file): unsupported GGUF version \(version)\(hint)"
    case .truncated(let file, let context, let offset, let fileSize):
      return "\(file): file is truncated: reading \(context) needs \(offset) bytes "
        + "but the file has \(fileSize)"
    case .invalidMetadata(let file, let key, let reason):
      return "\(file): invalid metadata '\(key)': \(reason)"
    case .duplicateKey(let file, let key):
      return "\(file): metadata key '\(key)' appears twice"
    case .invalidTensor(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)' is invalid: \(reason)"
    case .unknownTensorType(let file, let tensor, let typeID):
      return "\(file): tensor '\(tensor)' has unknown tensor type id \(typeID)"
    case .duplicateTensor(let file, let tensor):
      return "\(file): tensor '\(tensor)' appears twice"
    case .overlappingTensors(let file, let first, let second):
      return "\(file): tensors '\(first)' and '\(second)' overlap in the data section"
    case .truncatedData(let file, let tensor, let end, let fileSize):
      return "\(file): file is truncated: tensor '\(tensor)' ends at byte \(end) "
        + "but the file has \(fileSize) bytes"
    case .missingKey(let file, let key, let suggestions):
      return "\(file): no metadata key '\(key)'\(Self.hint(suggestions))"
    case .wrongValueType(let file, let key, let expected, let found):
      return "\(file): metadata '\(key)' is \(found), expected \(expected)"
    case .missingTensor(let file, let tensor, let suggestions):
      return "\(file): no tensor named '\(tensor)'\(Self.hint(suggestions))"
    case .unsupportedTensorType(let file, let tensor, let type):
      let supported = GGMLType.allCases.filter(\.isSupported).map(\.description)
      return "\(file): unsupported tensor type \(type) in tensor '\(tensor)' "
        + "(supported: \(supported.joined(separator: ", ")))"
    case .shapeMismatch(let file, let tensor, let reason):
      return "\(file): tensor '\(tensor)': \(reason)"
    }
  }

  private static func hint(_ suggestions: [String]) -> String {
    suggestions.isEmpty ? "" : " (closest: \(suggestions.joined(separator: ", ")))"
  }
}
