import Foundation
import Testing
import TwinGGUF

/// Every supported type dequantises bit for bit as the `gguf` Python package does, from the
/// same blocks in `tiny.gguf.bin`.
@Suite struct DequantizationTests {
  let file: GGUFFile

  init() throws { file = try GGUFFile(url: Fixtures.tinyURL) }

  @Test(arguments: Fixtures.typeNames)
  func matchesTheReference(_ typeName: String) throws {
    let reference = try #require(Fixtures.reference.types[typeName])
    let matrix = try file.matrix(named: reference.tensor)
    #expect(matrix.type == GGMLType(name: typeName))
    #expect(matrix.rows == reference.rows && matrix.columns == reference.columns)
    let expected = try Fixtures.floats(reference.dequantized)
    let actual = matrix.dequantized()
    #expect(actual.count == expected.count)
    let mismatches = zip(actual, expected).enumerated().filter {
      $1.0.bitPattern != $1.1.bitPattern
    }
    #expect(
      mismatches.isEmpty,
      "\(typeName): \(mismatches.count) differ, first \(mismatches.prefix(3).map { "\($0.offset): \($0.element)" })"
    )
    for row in 0..<matrix.rows {
      let values = matrix.dequantizeRow(row)
      #expect(
        values.map(\.bitPattern)
          == expected[(row * matrix.columns)..<((row + 1) * matrix.columns)].map(\.bitPattern))
    }
    #expect(try file.floats(reference.tensor).map(\.bitPattern) == expected.map(\.bitPattern))
  }

  @Test func rawBytesMakeTheSameMatrix() throws {
    for typeName in Fixtures.typeNames {
      let reference = try #require(Fixtures.reference.types[typeName])
      let info = try file.tensor(named: reference.tensor)
      let copy = QuantizedMatrix(
        type: info.type, rows: info.rowCount, columns: info.rowLength,
        bytes: Array(file.bytes(of: info)), name: typeName)
      #expect(copy.rowByteCount == info.rowByteCount)
      #expect(
        copy.rowBytes(1).elementsEqual(
          file.bytes(of: info)[info.rowByteCount..<(2 * info.rowByteCount)]))
      #expect(copy.dequantized() == (try file.matrix(named: reference.tensor).dequantized()))
    }
  }
}
