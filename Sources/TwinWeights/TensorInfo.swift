/// Where one tensor lives in a safetensors file and what it holds.
public struct TensorInfo: Sendable, Hashable {
  public var name: String
  public var dtype: TensorDType
  /// Dimensions, outermost first (row-major); empty for a scalar.
  public var shape: [Int]
  /// The tensor's bytes, relative to the start of the data section (after the header), as the
  /// header's `data_offsets` give them.
  public var byteRange: Range<Int>

  public init(name: String, dtype: TensorDType, shape: [Int], byteRange: Range<Int>) {
    self.name = name
    self.dtype = dtype
    self.shape = shape
    self.byteRange = byteRange
  }

  /// The number of elements: the product of the shape (1 for a scalar).
  public var elementCount: Int { shape.reduce(1, *) }
}
