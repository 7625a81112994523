import Foundation
import Testing
import TwinGGUF

/// ``Q8Activations`` reproduces the quantisation `make_fixtures.py` computes in numpy exactly:
/// values, scales and 32-element sums.
@Suite struct ActivationQuantizationTests {
  @Test(arguments: Fixtures.quantizedTypeNames)
  func matchesTheReference(_ typeName: String) throws {
    let reference = try #require(Fixtures.reference.types[typeName])
    let x = try Fixtures.floats(reference.activations)
    let block = try #require(reference.activationBlock)
    let format: Q8Activations.Format = block == 256 ? .q8_K : .q8_0
    let activations = x.withUnsafeBufferPointer {
      Q8Activations(
        $0.baseAddress!, count: reference.vectors, length: reference.columns, format: format)
    }
    #expect(activations.format.blockSize == block)
    let quants = try Fixtures.int8s(try #require(reference.quants))
    let scales = try #require(reference.activationScales)
    let sums = try #require(reference.activationSums)
    for v in 0..<reference.vectors {
      let actual = (0..<reference.columns).map { activations.value(vector: v, index: $0) }
      #expect(actual == Array(quants[(v * reference.columns)..<((v + 1) * reference.columns)]))
      for b in 0..<(reference.columns / block) {
        #expect(activations.scale(vector: v, block: b) == Float(scales[v][b]))
      }
      #expect(
        (0..<(reference.columns / 32)).map { activations.sum(vector: v, group: $0) } == sums[v])
    }
    // The all-zero block of vector 2 has scale 0 and values 0.
    #expect(activations.scale(vector: 2, block: 0) == 0)
    #expect((0..<block).allSatisfy { activations.value(vector: 2, index: $0) == 0 })
  }

  @Test func singleVectorAndStride() {
    let x = randomFloats(64, seed: 3)
    let one = Q8Activations(x, format: .q8_0)
    #expect(one.count == 1 && one.length == 64)
    // Two vectors 80 floats apart quantise as two separate ones.
    let padded = x + [Float](repeating: 9, count: 16) + x + [Float](repeating: 9, count: 16)
    let strided = padded.withUnsafeBufferPointer {
      Q8Activations($0.baseAddress!, count: 2, length: 64, stride: 80, format: .q8_0)
    }
    for i in 0..<64 {
      #expect(strided.value(vector: 1, index: i) == one.value(vector: 0, index: i))
    }
    // NaN does not trap; it quantises to 0.
    var bad = x
    bad[3] = .nan
    #expect(Q8Activations(bad, format: .q8_0).value(vector: 0, index: 3) == 0)
  }
}
