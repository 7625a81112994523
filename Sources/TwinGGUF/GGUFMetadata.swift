import Foundation
import TwinCore

/// Typed reads of metadata entries. Each throws a ``GGUFError`` naming the file and the key when
/// the entry is missing (with the closest keys the file has) or holds another type.
extension GGUFFile {
  /// Whether the file has a metadata entry `key`.
  public func contains(key: String) -> Bool { metadata[key] != nil }

  /// A string entry.
  public func string(_ key: String) throws(GGUFError) -> String {
    let value = try value(key)
    guard case .string(let string) = value else { throw wrongType(key, "string", value) }
    return string
  }

  /// An integer entry of any GGUF integer type, as an `Int`.
  public func int(_ key: String) throws(GGUFError) -> Int {
    let value = try value(key)
    guard let integer = value.integer else { throw wrongType(key, "an integer", value) }
    return integer
  }

  /// A numeric entry as a `Float`: `float32`, `float64` (rounded) or an integer type.
  public func float(_ key: String) throws(GGUFError) -> Float {
    let value = try value(key)
    switch value {
    case .float32(let f): return f
    case .float64(let f): return Float(f)
    default:
      guard let integer = value.integer else { throw wrongType(key, "a number", value) }
      return Float(integer)
    }
  }

  /// A bool entry.
  public func bool(_ key: String) throws(GGUFError) -> Bool {
    let value = try value(key)
    guard case .bool(let flag) = value else { throw wrongType(key, "bool", value) }
    return flag
  }

  /// An array entry, whatever its element type.
  public func array(_ key: String) throws(GGUFError) -> GGUFArray {
    let value = try value(key)
    guard case .array(let array) = value else { throw wrongType(key, "an array", value) }
    return array
  }

  /// An array of strings (a vocabulary, BPE merges).
  public func stringArray(_ key: String) throws(GGUFError) -> [String] {
    let array = try array(key)
    guard case .string(let strings) = array else {
      throw wrongType(key, "array[string]", .array(array))
    }
    return strings
  }

  /// An array of integers of any GGUF integer type, as `Int`s (token types, ids).
  public func intArray(_ key: String) throws(GGUFError) -> [Int] {
    let array = try array(key)
    guard let integers = array.integers else {
      throw wrongType(key, "an array of integers", .array(array))
    }
    return integers
  }

  /// An array of `float32` (or `float64`, rounded) as `Float`s (token scores).
  public func floatArray(_ key: String) throws(GGUFError) -> [Float] {
    let array = try array(key)
    switch array {
    case .float32(let floats): return floats
    case .float64(let doubles): return doubles.map { Float($0) }
    default: throw wrongType(key, "an array of floats", .array(array))
    }
  }

  private func value(_ key: String) throws(GGUFError) -> GGUFValue {
    guard let value = metadata[key] else {
      throw .missingKey(
        file: url.path, key: key, suggestions: NameSuggestions.closest(to: key, among: metadataKeys))
    }
    return value
  }

  private func wrongType(_ key: String, _ expected: String, _ found: GGUFValue) -> GGUFError {
    .wrongValueType(file: url.path, key: key, expected: expected, found: found.typeName)
  }
}
