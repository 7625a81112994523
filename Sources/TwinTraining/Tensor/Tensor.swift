import TwinTensor

/// A dense row-major matrix of `Float`s that training code reads and writes through a pointer.
///
/// Activations, gradients, LoRA matrices and optimiser moments are all of this kind. It is a
/// class so that the forward pass can keep a tensor for the backward pass without copying, and
/// so that kernels can write into it in place. Only one task touches a tensor at a time (kernels
/// split their own work into disjoint ranges), which is what the `@unchecked Sendable` promises.
public final class Tensor: @unchecked Sendable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns (the row length).
  public let cols: Int
  /// The elements, row after row: `rows × cols` floats.
  public let data: UnsafeMutablePointer<Float>

  /// A `rows × cols` tensor of zeros.
  public init(rows: Int, cols: Int) {
    precondition(rows >= 0 && cols >= 0, "negative tensor shape \(rows) × \(cols)")
    self.rows = rows
    self.cols = cols
    data = .allocate(capacity: max(rows * cols, 1))
    data.initialize(repeating: 0, count: max(rows * cols, 1))
  }

  /// A `rows × cols` tensor holding `values` row after row.
  public convenience init(rows: Int, cols: Int, values: [Float]) {
    precondition(values.count == rows * cols, "\(values.count) values for a \(rows) × \(cols) tensor")
    self.init(rows: rows, cols: cols)
    values.withUnsafeBufferPointer { data.update(from: $0.baseAddress!, count: values.count) }
  }

  deinit { data.deallocate() }

  /// Number of elements.
  public var count: Int { rows * cols }

  /// The elements as an array, row after row.
  public var values: [Float] { Array(UnsafeBufferPointer(start: data, count: count)) }

  /// Row `r`'s first element.
  @inline(__always) public func row(_ r: Int) -> UnsafeMutablePointer<Float> { data + r * cols }

  /// Element (`r`, `c`).
  public subscript(r: Int, c: Int) -> Float {
    get { data[r * cols + c] }
    set { data[r * cols + c] = newValue }
  }

  /// Sets every element to zero.
  public func zero() { data.update(repeating: 0, count: count) }

  /// A copy with its own storage.
  public func copy() -> Tensor {
    let t = Tensor(rows: rows, cols: cols)
    t.data.update(from: data, count: count)
    return t
  }

  /// Copies `other`'s elements, which must have the same shape.
  public func assign(_ other: Tensor) {
    precondition(other.rows == rows && other.cols == cols, "shape mismatch in assign")
    data.update(from: other.data, count: count)
  }

  /// `self += other`, elementwise.
  public func add(_ other: Tensor) {
    precondition(other.count == count, "shape mismatch in add")
    Kernels.add(data, other.data, into: data, count: count)
  }
}
