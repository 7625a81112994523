/// One metadata value of a GGUF file, in the type the file stores it as.
///
/// The typed accessors on ``GGUFFile`` (``GGUFFile/int(_:)``, ``GGUFFile/stringArray(_:)``, …)
/// are the convenient way in; this enum is for code that needs the exact stored type.
public enum GGUFValue: Sendable, Equatable {
  case uint8(UInt8)
  case int8(Int8)
  case uint16(UInt16)
  case int16(Int16)
  case uint32(UInt32)
  case int32(Int32)
  case uint64(UInt64)
  case int64(Int64)
  case float32(Float)
  case float64(Double)
  case bool(Bool)
  case string(String)
  case array(GGUFArray)

  /// The GGUF name of the stored type, for error messages: `uint32`, `array[string]`, ….
  public var typeName: String {
    switch self {
    case .uint8: "uint8"
    case .int8: "int8"
    case .uint16: "uint16"
    case .int16: "int16"
    case .uint32: "uint32"
    case .int32: "int32"
    case .uint64: "uint64"
    case .int64: "int64"
    case .float32: "float32"
    case .float64: "float64"
    case .bool: "bool"
    case .string: "string"
    case .array(let array): "array[\(array.elementTypeName)]"
    }
  }

  /// The value as an `Int` when it is an integer that fits one.
  var integer: Int? {
    switch self {
    case .uint8(let v): Int(v)
    case .int8(let v): Int(v)
    case .uint16(let v): Int(v)
    case .int16(let v): Int(v)
    case .uint32(let v): Int(v)
    case .int32(let v): Int(v)
    case .uint64(let v): Int(exactly: v)
    case .int64(let v): Int(v)
    default: nil
    }
  }
}

/// A metadata array: GGUF arrays hold elements of one type, stored here unboxed (a vocabulary's
/// 262 144 scores are one `[Float]`, not 262 144 enum values). Arrays of arrays nest, each inner
/// array with its own element type.
public enum GGUFArray: Sendable, Equatable {
  case uint8([UInt8])
  case int8([Int8])
  case uint16([UInt16])
  case int16([Int16])
  case uint32([UInt32])
  case int32([Int32])
  case uint64([UInt64])
  case int64([Int64])
  case float32([Float])
  case float64([Double])
  case bool([Bool])
  case string([String])
  case array([GGUFArray])

  /// Number of elements.
  public var count: Int {
    switch self {
    case .uint8(let a): a.count
    case .int8(let a): a.count
    case .uint16(let a): a.count
    case .int16(let a): a.count
    case .uint32(let a): a.count
    case .int32(let a): a.count
    case .uint64(let a): a.count
    case .int64(let a): a.count
    case .float32(let a): a.count
    case .float64(let a): a.count
    case .bool(let a): a.count
    case .string(let a): a.count
    case .array(let a): a.count
    }
  }

  /// The GGUF name of the element type: `string`, `int32`, `array`, ….
  public var elementTypeName: String {
    switch self {
    case .uint8: "uint8"
    case .int8: "int8"
    case .uint16: "uint16"
    case .int16: "int16"
    case .uint32: "uint32"
    case .int32: "int32"
    case .uint64: "uint64"
    case .int64: "int64"
    case .float32: "float32"
    case .float64: "float64"
    case .bool: "bool"
    case .string: "string"
    case .array: "array"
    }
  }

  /// The elements as `Int`s when they are integers that all fit one.
  var integers: [Int]? {
    switch self {
    case .uint8(let a): a.map { Int($0) }
    case .int8(let a): a.map { Int($0) }
    case .uint16(let a): a.map { Int($0) }
    case .int16(let a): a.map { Int($0) }
    case .uint32(let a): a.map { Int($0) }
    case .int32(let a): a.map { Int($0) }
    case .int64(let a): a.map { Int($0) }
    case .uint64(let a):
      a.allSatisfy { $0 <= UInt64(Int.max) } ? a.map { Int($0) } : nil
    default: nil
    }
  }
}
