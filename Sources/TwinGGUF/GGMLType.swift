/// A ggml tensor element type, with the numeric id GGUF files store.
///
/// Every type ggml has defined is listed, so that a file using one we cannot compute with still
/// opens (its layout, and so every tensor's extent, is known) and fails only when that tensor is
/// used, with an error naming it. ``isSupported`` says which ones this module can dequantise and
/// multiply. Quantised types store `blockSize` consecutive elements of a row in `bytesPerBlock`
/// bytes; plain types have a block of one element.
public enum GGMLType: UInt32, Sendable, CaseIterable, CustomStringConvertible {
  case f32 = 0
  case f16 = 1
  case q4_0 = 2
  case q4_1 = 3
  case q5_0 = 6
  case q5_1 = 7
  case q8_0 = 8
  case q8_1 = 9
  case q2_K = 10
  case q3_K = 11
  case q4_K = 12
  case q5_K = 13
  case q6_K = 14
  case q8_K = 15
  case iq2_xxs = 16
  case iq2_xs = 17
  case iq3_xxs = 18
  case iq1_s = 19
  case iq4_nl = 20
  case iq3_s = 21
  case iq2_s = 22
  case iq4_xs = 23
  case i8 = 24
  case i16 = 25
  case i32 = 26
  case i64 = 27
  case f64 = 28
  case iq1_m = 29
  case bf16 = 30
  case tq1_0 = 34
  case tq2_0 = 35
  case mxfp4 = 39
  case nvfp4 = 40
  case q1_0 = 41

  /// Elements per block: 1 for plain types, 32 for the original quants, 256 for K-quants.
  public var blockSize: Int { layout.elements }

  /// Bytes one block occupies in the file.
  public var bytesPerBlock: Int { layout.bytes }

  /// Whether this module can dequantise tensors of this type and multiply by them.
  ///
  /// Q8_K is not a weight format: it is how activations are quantised for the K-quants (see
  /// ``Q8Activations``), so files do not contain it and it is not listed here.
  public var isSupported: Bool {
    switch self {
    case .f32, .f16, .bf16, .q4_0, .q4_1, .q5_0, .q5_1, .q8_0, .q4_K, .q5_K, .q6_K: true
    default: false
    }
  }

  /// The ggml spelling, e.g. `Q4_K`.
  public var description: String {
    switch self {
    case .f32: "F32"
    case .f16: "F16"
    case .q4_0: "Q4_0"
    case .q4_1: "Q4_1"
    case .q5_0: "Q5_0"
    case .q5_1: "Q5_1"
    case .q8_0: "Q8_0"
    case .q8_1: "Q8_1"
    case .q2_K: "Q2_K"
    case .q3_K: "Q3_K"
    case .q4_K: "Q4_K"
    case .q5_K: "Q5_K"
    case .q6_K: "Q6_K"
    case .q8_K: "Q8_K"
    case .iq2_xxs: "IQ2_XXS"
    case .iq2_xs: "IQ2_XS"
    case .iq3_xxs: "IQ3_XXS"
    case .iq1_s: "IQ1_S"
    case .iq4_nl: "IQ4_NL"
    case .iq3_s: "IQ3_S"
    case .iq2_s: "IQ2_S"
    case .iq4_xs: "IQ4_XS"
    case .i8: "I8"
    case .i16: "I16"
    case .i32: "I32"
    case .i64: "I64"
    case .f64: "F64"
    case .iq1_m: "IQ1_M"
    case .bf16: "BF16"
    case .tq1_0: "TQ1_0"
    case .tq2_0: "TQ2_0"
    case .mxfp4: "MXFP4"
    case .nvfp4: "NVFP4"
    case .q1_0: "Q1_0"
    }
  }

  /// The type ggml spells `name` (`Q4_K`, `bf16`; any case), if there is one.
  public init?(name: String) {
    let upper = name.uppercased()
    guard let match = Self.allCases.first(where: { $0.description == upper }) else { return nil }
    self = match
  }

  /// Bytes taken by `elements` consecutive elements of a row, or nil when `elements` is not a
  /// whole number of blocks or the size overflows.
  public func byteCount(elements: Int) -> Int? {
    guard elements >= 0, elements % blockSize == 0 else { return nil }
    let (bytes, overflow) = (elements / blockSize).multipliedReportingOverflow(by: bytesPerBlock)
    return overflow ? nil : bytes
  }

  /// (elements, bytes) per block, from ggml's block structures (`ggml-common.h`).
  private var layout: (elements: Int, bytes: Int) {
    switch self {
    case .f32: (1, 4)
    case .f16, .bf16: (1, 2)
    case .q4_0: (32, 2 + 16)
    case .q4_1: (32, 2 + 2 + 16)
    case .q5_0: (32, 2 + 4 + 16)
    case .q5_1: (32, 2 + 2 + 4 + 16)
    case .q8_0: (32, 2 + 32)
    case .q8_1: (32, 2 + 2 + 32)
    case .q2_K: (256, 16 + 64 + 2 + 2)
    case .q3_K: (256, 32 + 64 + 12 + 2)
    case .q4_K: (256, 2 + 2 + 12 + 128)
    case .q5_K: (256, 2 + 2 + 12 + 32 + 128)
    case .q6_K: (256, 128 + 64 + 16 + 2)
    case .q8_K: (256, 4 + 256 + 32)
    case .iq2_xxs: (256, 2 + 64)
    case .iq2_xs: (256, 2 + 64 + 8)
    case .iq3_xxs: (256, 2 + 96)
    case .iq1_s: (256, 2 + 32 + 16)
    case .iq4_nl: (32, 2 + 16)
    case .iq3_s: (256, 2 + 64 + 8 + 32 + 4)
    case .iq2_s: (256, 2 + 64 + 8 + 8)
    case .iq4_xs: (256, 2 + 2 + 4 + 128)
    case .i8: (1, 1)
    case .i16: (1, 2)
    case .i32: (1, 4)
    case .i64, .f64: (1, 8)
    case .iq1_m: (256, 32 + 16 + 8)
    case .tq1_0: (256, 48 + 4 + 2)
    case .tq2_0: (256, 64 + 2)
    case .mxfp4: (32, 1 + 16)
    case .nvfp4: (64, 4 + 32)
    case .q1_0: (128, 2 + 16)
    }
  }
}
