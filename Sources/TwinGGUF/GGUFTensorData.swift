import Foundation

/// Tensors of a file as matrices and floats.
extension GGUFFile {
  /// Tensor `name` as a ``QuantizedMatrix`` over the mapped data (which it keeps alive).
  ///
  /// - Throws: ``GGUFError`` when there is no such tensor or its type is unsupported.
  public func matrix(named name: String) throws(GGUFError) -> QuantizedMatrix {
    try QuantizedMatrix(file: self, tensor: name)
  }

  /// Tensor `name` expanded to `Float`s, in storage order (row-major, rows of
  /// ``GGUFTensorInfo/rowLength`` elements).
  public func floats(_ name: String) throws(GGUFError) -> [Float] {
    try matrix(named: name).dequantized()
  }

  /// Row `row` of tensor `name` expanded to `Float`s: one token's embedding, say.
  ///
  /// - Throws: ``GGUFError/shapeMismatch(file:tensor:reason:)`` when the row is out of range.
  public func floats(_ name: String, row: Int) throws(GGUFError) -> [Float] {
    let matrix = try matrix(named: name)
    guard (0..<matrix.rows).contains(row) else {
      throw .shapeMismatch(
        file: url.path, tensor: name, reason: "row \(row) is out of range 0..<\(matrix.rows)")
    }
    return matrix.dequantizeRow(row)
  }
}
