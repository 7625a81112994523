/// Where one tensor lives in a GGUF file and what it holds.
///
/// Dimensions are in ggml's order, innermost first: `dimensions[0]` is the number of contiguous
/// elements (a matrix's row length, its columns), `dimensions[1]` the number of rows, and so on.
/// A `[2048 × 640]` PyTorch `nn.Linear` weight (out × in) is stored with dimensions `[640, 2048]`.
/// ``shape`` gives the familiar outermost-first order.
public struct GGUFTensorInfo: Sendable, Hashable {
  /// The tensor's name, e.g. `blk.0.attn_q.weight`.
  public let name: String
  /// Dimensions, innermost (contiguous) first, as the file stores them.
  public let dimensions: [Int]
  /// The element type.
  public let type: GGMLType
  /// Offset of the first byte from the start of the file's data section.
  public let offset: Int
  /// Bytes of data: whole blocks of ``type`` covering every element.
  public let byteCount: Int
  /// The number of elements (1 for a tensor without dimensions).
  public let elementCount: Int

  /// Validates the sizes: each dimension fits an `Int`, the element and byte counts do not
  /// overflow, and rows hold whole blocks. The reason is the error message when they do not.
  init(name: String, dimensions: [Int], type: GGMLType, offset: Int) throws(InvalidReason) {
    var elements = 1
    for dimension in dimensions {
      guard dimension >= 0 else { throw InvalidReason("dimension \(dimension) is negative") }
      let (product, overflow) = elements.multipliedReportingOverflow(by: dimension)
      guard !overflow else {
        throw InvalidReason("dimensions \(dimensions) overflow the element count")
      }
      elements = product
    }
    let rowLength = dimensions.first ?? 1
    guard rowLength % type.blockSize == 0 else {
      throw InvalidReason(
        "row length \(rowLength) is not a multiple of \(type)'s block size \(type.blockSize)")
    }
    guard let bytes = type.byteCount(elements: elements) else {
      throw InvalidReason("dimensions \(dimensions) overflow the byte count")
    }
    self.name = name
    self.dimensions = dimensions
    self.type = type
    self.offset = offset
    self.byteCount = bytes
    self.elementCount = elements
  }

  /// Dimensions outermost first (row-major), e.g. `[2048, 640]` for a 2048-row matrix.
  public var shape: [Int] { dimensions.reversed() }

  /// Elements per row: the innermost dimension.
  public var rowLength: Int { dimensions.first ?? 1 }

  /// Rows: the product of all dimensions but the innermost.
  public var rowCount: Int { dimensions.dropFirst().reduce(1, *) }

  /// Bytes per row: whole blocks, so rows start on block boundaries.
  public var rowByteCount: Int { rowLength / type.blockSize * type.bytesPerBlock }

  /// The message of a size check that failed.
  struct InvalidReason: Error {
    var message: String
    init(_ message: String) { self.message = message }
  }
}
