import Foundation

/// A 2-D weight tensor in its stored format — quantised blocks or F32/F16/BF16 — viewed as
/// `rows` rows of `columns` elements, ready for products without expanding it to `Float`.
///
/// Rows are output features: a GGUF tensor with dimensions `[columns, rows]` (ggml order), i.e.
/// a PyTorch `nn.Linear` weight `[out × in]`, gives `rows = out`, `columns = in`, and
/// ``matvec(_:into:)`` computes `y = W · x`. Tensors with more than two dimensions are viewed
/// with all outer dimensions folded into `rows`.
///
/// A matrix from a ``GGUFFile`` reads the mapping in place and keeps the file alive. It is an
/// immutable view (hence `@unchecked Sendable`): use it from any number of threads.
public struct QuantizedMatrix: @unchecked Sendable {
  /// The tensor's name, for messages.
  public let name: String
  /// The stored element type.
  public let type: GGMLType
  /// Output features: the number of rows.
  public let rows: Int
  /// Input features: elements per row, a multiple of the type's block size.
  public let columns: Int
  /// Bytes per row.
  public let rowByteCount: Int

  /// The first byte of row 0.
  let base: UnsafeRawPointer
  /// What keeps `base` valid: the ``GGUFFile`` or an ``OwnedBytes``.
  private let owner: AnyObject

  /// Tensor `name` of `file`.
  ///
  /// - Throws: ``GGUFError`` when there is no such tensor or its type is not supported (see
  ///   ``GGMLType/isSupported``).
  public init(file: GGUFFile, tensor name: String) throws(GGUFError) {
    let info = try file.tensor(named: name)
    guard info.type.isSupported else {
      throw .unsupportedTensorType(file: file.url.path, tensor: name, type: info.type)
    }
    self.name = name
    type = info.type
    rows = info.rowCount
    columns = info.rowLength
    rowByteCount = info.rowByteCount
    base = file.bytes(of: info).baseAddress ?? UnsafeRawPointer(OwnedBytes.empty.base)
    owner = file
  }

  /// A matrix over a copy of `bytes`: `rows` rows of `columns` elements of `type`, as a GGUF
  /// file would store them.
  ///
  /// - Precondition: `type` is supported, `columns` is a multiple of its block size and `bytes`
  ///   holds exactly `rows` rows.
  public init(type: GGMLType, rows: Int, columns: Int, bytes: [UInt8], name: String = "matrix") {
    precondition(type.isSupported, "unsupported tensor type \(type) in tensor '\(name)'")
    precondition(rows >= 0, "negative row count")
    guard let rowBytes = type.byteCount(elements: columns) else {
      preconditionFailure(
        "\(columns) columns are not a multiple of \(type)'s block size \(type.blockSize)")
    }
    precondition(
      bytes.count == rows * rowBytes,
      "\(rows) rows of \(columns) \(type) elements take \(rows * rowBytes) bytes, not \(bytes.count)"
    )
    let storage = OwnedBytes(bytes)
    self.name = name
    self.type = type
    self.rows = rows
    self.columns = columns
    rowByteCount = rowBytes
    base = UnsafeRawPointer(storage.base)
    owner = storage
  }

  /// Row `row` of `matrix` alone, sharing its storage.
  init(view matrix: QuantizedMatrix, row: Int) {
    precondition((0..<matrix.rows).contains(row), "row \(row) out of range 0..<\(matrix.rows)")
    self.init(view: matrix, rows: row..<(row + 1))
  }

  /// Rows `rows` of `matrix`, sharing its storage.
  init(view matrix: QuantizedMatrix, rows range: Range<Int>) {
    precondition(range.lowerBound >= 0 && range.upperBound <= matrix.rows, "rows \(range) out of range 0..<\(matrix.rows)")
    name = matrix.name
    type = matrix.type
    rows = range.count
    columns = matrix.columns
    rowByteCount = matrix.rowByteCount
    base = matrix.base + range.lowerBound * matrix.rowByteCount
    owner = matrix.owner
  }

  /// How activations must be quantised to multiply this matrix, or nil for F32/F16/BF16, which
  /// multiply `Float` activations directly.
  public var activationFormat: Q8Activations.Format? {
    switch type {
    case .q4_0, .q4_1, .q5_0, .q5_1, .q8_0: .q8_0
    case .q4_K, .q5_K, .q6_K: .q8_K
    default: nil
    }
  }

  /// The stored bytes of row `row`.
  public func rowBytes(_ row: Int) -> UnsafeRawBufferPointer {
    precondition((0..<rows).contains(row), "row \(row) out of range 0..<\(rows)")
    return UnsafeRawBufferPointer(start: base + row * rowByteCount, count: rowByteCount)
  }

  /// Runs `body` with the owner of the bytes kept alive.
  func withStorage<R>(_ body: () throws -> R) rethrows -> R {
    try withExtendedLifetime(owner) { try body() }
  }
}

/// A heap copy of matrix bytes, 64-byte aligned (so vector loads never split cache lines more
/// than the block layout forces).
final class OwnedBytes: @unchecked Sendable {
  let base: UnsafeMutableRawPointer
  let count: Int

  init(_ bytes: [UInt8]) {
    count = bytes.count
    base = .allocate(byteCount: max(count, 1), alignment: 64)
    bytes.withUnsafeBytes {
      if let source = $0.baseAddress { base.copyMemory(from: source, byteCount: count) }
    }
  }

  deinit { base.deallocate() }

  /// Backing for empty matrices, whose base address is never read.
  static let empty = OwnedBytes([0])
}
