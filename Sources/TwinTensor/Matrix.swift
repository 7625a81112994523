/// A dense row-major matrix of `Float`s: element (r, c) is `storage[r * cols + c]`.
///
/// Deliberately plain: kernels take raw pointers plus strides, and `Matrix` is the safe owner
/// those pointers come from (activations, test data, small weights).
public struct Matrix: Sendable, Equatable {
  /// Number of rows.
  public let rows: Int
  /// Number of columns (the row length).
  public let cols: Int
  /// The elements, row after row; always `rows * cols` long.
  public private(set) var storage: [Float]

  /// A `rows × cols` matrix filled with `value`.
  public init(rows: Int, cols: Int, repeating value: Float = 0) {
    precondition(rows >= 0 && cols >= 0, "negative matrix shape")
    self.rows = rows
    self.cols = cols
    storage = Array(repeating: value, count: rows * cols)
  }

  /// A `rows × cols` matrix over row-major `storage`, which must hold exactly `rows * cols` values.
  public init(rows: Int, cols: Int, storage: [Float]) {
    precondition(rows >= 0 && cols >= 0, "negative matrix shape")
    precondition(
      storage.count == rows * cols,
      "storage holds \(storage.count) values, shape needs \(rows * cols)")
    self.rows = rows
    self.cols = cols
    self.storage = storage
  }

  /// The element at (`row`, `col`), bounds-checked.
  public subscript(row: Int, col: Int) -> Float {
    get {
      precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index out of range")
      return storage[row * cols + col]
    }
    set {
      precondition(row >= 0 && row < rows && col >= 0 && col < cols, "index out of range")
      storage[row * cols + col] = newValue
    }
  }

  /// One row as a slice of `storage`.
  public func row(_ index: Int) -> ArraySlice<Float> {
    precondition(index >= 0 && index < rows, "row out of range")
    return storage[(index * cols)..<((index + 1) * cols)]
  }

  /// Calls `body` with a pointer to the row-major elements (leading dimension `cols`).
  public func withUnsafeBufferPointer<R>(_ body: (UnsafeBufferPointer<Float>) throws -> R) rethrows
    -> R
  {
    try storage.withUnsafeBufferPointer(body)
  }

  /// Calls `body` with a mutable pointer to the row-major elements (leading dimension `cols`).
  public mutating func withUnsafeMutableBufferPointer<R>(
    _ body: (inout UnsafeMutableBufferPointer<Float>) throws -> R
  ) rethrows -> R {
    try storage.withUnsafeMutableBufferPointer(body)
  }
}
