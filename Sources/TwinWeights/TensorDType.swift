/// The element types a safetensors header may name.
///
/// Every type of the format is listed so that any valid file opens and its raw bytes can be
/// read; ``SafetensorsFile/floats(_:)`` converts only the floating-point types models ship in
/// (F32, F16, BF16).
public enum TensorDType: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  case bool = "BOOL"
  case u8 = "U8"
  case i8 = "I8"
  case f8e5m2 = "F8_E5M2"
  case f8e4m3 = "F8_E4M3"
  case i16 = "I16"
  case u16 = "U16"
  case f16 = "F16"
  case bf16 = "BF16"
  case i32 = "I32"
  case u32 = "U32"
  case f32 = "F32"
  case f64 = "F64"
  case i64 = "I64"
  case u64 = "U64"

  /// Bytes per element.
  public var byteSize: Int {
    switch self {
    case .bool, .u8, .i8, .f8e5m2, .f8e4m3: 1
    case .i16, .u16, .f16, .bf16: 2
    case .i32, .u32, .f32: 4
    case .f64, .i64, .u64: 8
    }
  }

  /// Whether ``SafetensorsFile/floats(_:)`` can convert this type to `Float`.
  public var convertsToFloat: Bool {
    switch self {
    case .f32, .f16, .bf16: true
    default: false
    }
  }

  public var description: String { rawValue }
}
