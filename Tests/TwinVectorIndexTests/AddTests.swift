import Testing
import TwinVectorIndex

@Suite struct AddTests {
  @Test func wrongDimensionThrowsAndAddsNothing() throws {
    let index = HNSWIndex(dimension: 8, metric: .l2)
    _ = try index.add(gaussianVectors(3, dimension: 8, seed: 1))
    let batch =
      gaussianVectors(2, dimension: 8, seed: 2) + [[1, 2, 3]]
      + gaussianVectors(1, dimension: 8, seed: 3)
    #expect(throws: VectorIndexError.dimensionMismatch(index: 2, expected: 8, actual: 3)) {
      try index.add(batch)
    }
    #expect(index.slotCount == 3)
    let error = VectorIndexError.dimensionMismatch(index: 2, expected: 8, actual: 3)
    #expect(error.description.contains("vector 2") && error.description.contains("3 dimensions"))
  }

  @Test func slotsAreDenseAndInOrderAcrossAdds() throws {
    let index = HNSWIndex(dimension: 12, metric: .cosine, parameters: HNSWParameters(m: 6))
    let first = gaussianVectors(700, dimension: 12, seed: 4)
    let second = gaussianVectors(300, dimension: 12, seed: 5)
    #expect(try index.add(first) == Array(0..<700))
    #expect(try index.add(second) == Array(700..<1000))
    #expect(index.slotCount == 1000 && index.count == 1000)
    #expect(index.dimension == 12 && index.metric == .cosine && index.parameters.m == 6)
    // Every vector finds itself.
    for slot in stride(from: 0, to: 1000, by: 37) {
      let source = slot < 700 ? first[slot] : second[slot - 700]
      #expect(index.search(source, k: 1).first?.slot == slot)
    }
  }
}
