import Foundation
import Testing
import TwinGGUF
import TwinTensor

/// The fused products against the two references of `make_fixtures.py`: the llama.cpp-style
/// integer evaluation (tightly: only `Float` rounding may differ) and the exact product of the
/// dequantised weights with the unquantised inputs (within the error 8-bit inputs can cause).
@Suite struct QuantizedDotTests {
  let file: GGUFFile

  init() throws { file = try GGUFFile(url: Fixtures.tinyURL) }

  struct Case {
    var reference: Reference.TypeCase
    var matrix: QuantizedMatrix
    var x: [Float]
  }

  func load(_ typeName: String) throws -> Case {
    let reference = try #require(Fixtures.reference.types[typeName])
    return Case(
      reference: reference, matrix: try file.matrix(named: reference.tensor),
      x: try Fixtures.floats(reference.activations))
  }

  /// `matmul` over all the case's vectors: `[vector][row]`.
  func products(_ matrix: QuantizedMatrix, _ x: [Float], vectors: Int) -> [[Float]] {
    var y = [Float](repeating: .nan, count: vectors * matrix.rows)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        matrix.matmul(xp.baseAddress!, count: vectors, into: yp.baseAddress!)
      }
    }
    return (0..<vectors).map { Array(y[($0 * matrix.rows)..<(($0 + 1) * matrix.rows)]) }
  }

  @Test(arguments: Fixtures.typeNames)
  func matchesBothReferences(_ typeName: String) throws {
    let c = try load(typeName)
    let r = c.reference
    let y = products(c.matrix, c.x, vectors: r.vectors)
    for v in 0..<r.vectors {
      for row in 0..<r.rows {
        let actual = Double(y[v][row])
        let scale = r.magnitude[v][row]
        let ggml = r.dotGgml[v][row]
        #expect(
          abs(actual - ggml) <= 1e-5 * scale + 1e-30,
          "\(typeName) v\(v) r\(row): \(actual) vs \(ggml)")
        let exact = r.dotExact[v][row]
        let bound = r.activationBound[v][row] * 1.01 + 1e-5 * scale
        #expect(
          abs(actual - exact) <= bound,
          "\(typeName) v\(v) r\(row): \(actual) vs exact \(exact), bound \(bound)")
      }
    }
  }

  /// Which of llama.cpp's kernels (AVX2 build) takes vector `v` of a batch of `count`: results
  /// are the same bits wherever a vector lands in the same kernel, whatever the other vectors
  /// or the threads. Q4_K is repacked (a GEMM for the vectors in fours, a GEMV for the rest);
  /// Q6_K goes to the tiled GEMM from 8 vectors; every other format to one kernel.
  func kernel(_ typeName: String, vector v: Int, of count: Int) -> String {
    switch typeName {
    case "Q4_K": v < count - count % 4 ? "gemm" : "gemv"
    case "Q6_K": count >= 8 ? "tiled" : "row"
    default: "row"
    }
  }

  @Test(arguments: Fixtures.typeNames)
  func resultsDoNotDependOnNeighboursOrThreads(_ typeName: String) throws {
    let c = try load(typeName)
    let r = c.reference
    let batched = products(c.matrix, c.x, vectors: r.vectors)
    let serial = Parallel.serially { products(c.matrix, c.x, vectors: r.vectors) }
    #expect(serial == batched)
    var compared = 0
    for v in 0..<r.vectors where kernel(typeName, vector: v, of: r.vectors) == kernel(typeName, vector: 0, of: 1) {
      compared += 1
      let x = Array(c.x[(v * r.columns)..<((v + 1) * r.columns)])
      // Alone, with `matvec`, and row by row with `dot`: the same bits as in the batch.
      #expect(c.matrix.matvec(x) == batched[v])
      for row in 0..<r.rows {
        #expect(c.matrix.dot(row: row, x) == batched[v][row])
      }
      if let format = c.matrix.activationFormat {
        let q = Q8Activations(x, format: format)
        var y = [Float](repeating: 0, count: r.rows)
        y.withUnsafeMutableBufferPointer { c.matrix.matvec(q, into: $0.baseAddress!) }
        #expect(y == batched[v])
        #expect(c.matrix.dot(row: r.rows - 1, q) == batched[v][r.rows - 1])
      }
    }
    #expect(compared > 0)
    // Vectors 1…3 as a batch of their own.
    let middle = products(c.matrix, Array(c.x[r.columns..<(4 * r.columns)]), vectors: 3)
    for v in 1..<4 where kernel(typeName, vector: v, of: r.vectors) == kernel(typeName, vector: v - 1, of: 3) {
      #expect(middle[v - 1] == batched[v])
    }
  }

  /// Tiles the fixture's rows and vectors into a larger product — several row tiles, thread
  /// chunks and ragged ends — whose every entry must equal the small product's.
  @Test(arguments: Fixtures.typeNames)
  func largerProductsTileTheSmallOne(_ typeName: String) throws {
    let c = try load(typeName)
    let r = c.reference
    let rows = 203
    let big = try tiled(c, rows: rows)
    let vectors = 11
    var x: [Float] = []
    for v in 0..<vectors {
      x += c.x[((v % r.vectors) * r.columns)..<((v % r.vectors + 1) * r.columns)]
    }
    let small = products(c.matrix, c.x, vectors: r.vectors)
    let y = products(big, x, vectors: vectors)
    let decode = x.withUnsafeBufferPointer { xp in
      (0..<vectors).map { v -> [Float] in
        var out = [Float](repeating: .nan, count: rows)
        out.withUnsafeMutableBufferPointer {
          big.matvec(xp.baseAddress! + v * r.columns, into: $0.baseAddress!)
        }
        return out
      }
    }
    for v in 0..<vectors {
      let tiled = (0..<rows).map { small[v % r.vectors][$0 % r.rows] }
      if kernel(typeName, vector: v, of: vectors) == kernel(typeName, vector: v % r.vectors, of: r.vectors) {
        #expect(y[v] == tiled)
      } else {
        // Another of llama.cpp's kernels: the same products up to `Float` rounding.
        #expect(zip(y[v], tiled).allSatisfy { abs($0 - $1) <= 1e-5 * max(abs($1), 1) })
      }
      if kernel(typeName, vector: v, of: vectors) == kernel(typeName, vector: 0, of: 1) {
        #expect(decode[v] == y[v])
      }
    }
    // Strided input and output: inputs `columns + 3` apart, outputs `rows + 5` apart with the
    // gaps untouched.
    var paddedX: [Float] = []
    for v in 0..<vectors { paddedX += x[(v * r.columns)..<((v + 1) * r.columns)] + [9, 9, 9] }
    var strided = [Float](repeating: -1, count: vectors * (rows + 5))
    paddedX.withUnsafeBufferPointer { xp in
      strided.withUnsafeMutableBufferPointer {
        big.matmul(
          xp.baseAddress!, count: vectors, inputStride: r.columns + 3, into: $0.baseAddress!,
          outputStride: rows + 5)
      }
    }
    for v in 0..<vectors {
      #expect(Array(strided[(v * (rows + 5))..<(v * (rows + 5) + rows)]) == y[v])
      #expect(strided[(v * (rows + 5) + rows)..<((v + 1) * (rows + 5))].allSatisfy { $0 == -1 })
    }
  }

  /// The fixture's matrix repeated to `rows` rows.
  func tiled(_ c: Case, rows: Int) throws -> QuantizedMatrix {
    let info = try file.tensor(named: c.reference.tensor)
    let stored = Array(file.bytes(of: info))
    var bytes: [UInt8] = []
    for row in 0..<rows {
      let source = row % c.reference.rows
      bytes += stored[(source * info.rowByteCount)..<((source + 1) * info.rowByteCount)]
    }
    return QuantizedMatrix(type: info.type, rows: rows, columns: c.reference.columns, bytes: bytes)
  }

  /// One dispatch for several matrix-vector products (every fixture type, ragged row counts
  /// that cut across the 16-row chunks) gives each the bits of its own `matvec`.
  @Test func batchedMatrixVectorProductsEqualOneEach() throws {
    var products: [QuantizedMatrix.VectorProduct] = []
    var expected: [[Float]] = []
    for (i, typeName) in Fixtures.quantizedTypeNames.enumerated() {
      let c = try load(typeName)
      let matrix = try tiled(c, rows: [203, 37, 5, 64][i % 4])
      let x = Array(c.x.prefix(c.reference.columns))
      expected.append(matrix.matvec(x))
      let output = UnsafeMutablePointer<Float>.allocate(capacity: matrix.rows)
      output.initialize(repeating: .nan, count: matrix.rows)
      products.append((matrix, x.withUnsafeBufferPointer { matrix.quantize($0.baseAddress!, count: 1) }, output))
    }
    defer { for p in products { p.output.deallocate() } }
    QuantizedMatrix.matvecs(products)
    for (p, e) in zip(products, expected) {
      #expect(Array(UnsafeBufferPointer(start: p.output, count: p.matrix.rows)) == e, "\(p.matrix.type)")
    }
  }

  @Test func activationFormats() throws {
    let formats = try Fixtures.typeNames.map {
      try file.matrix(named: $0.lowercased()).activationFormat
    }
    #expect(formats == [nil, nil, nil, .q8_0, .q8_0, .q8_0, .q8_0, .q8_0, .q8_K, .q8_K, .q8_K])
  }
}
