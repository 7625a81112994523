import Testing
import TwinVectorIndex

@Suite struct ExactSearchTests {
  /// Float results against a double-precision brute force, compared position by position (so
  /// two neighbours whose distances differ by less than the rounding may swap places without
  /// failing), and every hit's distance against the reference distance of its own slot.
  @Test(arguments: VectorMetric.allCases)
  func matchesDoublePrecisionReference(_ metric: VectorMetric) throws {
    // 37 dimensions: not a multiple of the 16-float padding, so the zero padding is exercised.
    let vectors = gaussianVectors(600, dimension: 37, seed: 11)
    let queries = gaussianVectors(25, dimension: 37, seed: 12)
    let index = try makeIndex(vectors, metric: metric)
    for query in queries {
      let hits = index.exactSearch(query, k: 10)
      let expected = referenceNearest(metric, vectors, query, k: 10)
      #expect(hits.count == 10)
      #expect(isSorted(hits))
      for (hit, reference) in zip(hits, expected) {
        let scale = max(1, abs(reference.distance))
        #expect(abs(Double(hit.distance) - reference.distance) <= 1e-5 * scale)
        let own = referenceDistance(metric, vectors[hit.slot], query)
        #expect(abs(Double(hit.distance) - own) <= 1e-5 * max(1, abs(own)))
      }
    }
  }

  @Test func amongRestrictsAndDeduplicates() throws {
    let vectors = gaussianVectors(300, dimension: 20, seed: 21)
    let index = try makeIndex(vectors, metric: .l2)
    let query = gaussianVectors(1, dimension: 20, seed: 22)[0]
    let among = [5, 17, 17, 200, 42, 5, 299, 0]
    let hits = index.exactSearch(query, k: 10, among: among)
    let expected = referenceNearest(.l2, vectors, query, k: 10) { Set(among).contains($0) }
    #expect(hits.map(\.slot) == expected.map(\.slot))
    #expect(hits.count == Set(among).count)
  }

  @Test func fewerLiveSlotsThanKReturnsAllOfThem() throws {
    let vectors = gaussianVectors(7, dimension: 8, seed: 31)
    let index = try makeIndex(vectors, metric: .dot)
    index.markDeleted(3)
    let hits = index.exactSearch(vectors[0], k: 10)
    #expect(hits.count == 6)
    #expect(!hits.contains { $0.slot == 3 })
    #expect(index.exactSearch(vectors[0], k: 0).isEmpty)
  }

  @Test func similarityTurnsDistancesIntoScores() {
    #expect(VectorMetric.cosine.similarity(fromDistance: 0.25) == 0.75)
    #expect(VectorMetric.dot.similarity(fromDistance: -3) == 3)
    #expect(VectorMetric.l2.similarity(fromDistance: 4) == -2)
  }

  @Test func cosineStoresNormalisedVectors() throws {
    let index = HNSWIndex(dimension: 3, metric: .cosine)
    let dotIndex = HNSWIndex(dimension: 3, metric: .dot)
    #expect(try index.add([[3, 0, 4]]) == [0])
    #expect(try dotIndex.add([[3, 0, 4]]) == [0])
    let stored = index.vector(0)
    #expect(abs(stored[0] - 0.6) < 1e-6 && stored[1] == 0 && abs(stored[2] - 0.8) < 1e-6)
    #expect(dotIndex.vector(0) == [3, 0, 4])
    // A query is normalised too: a scaled copy of a stored vector is at distance 0.
    let hit = try #require(index.search([30, 0, 40], k: 1).first)
    #expect(hit.slot == 0 && abs(hit.distance) < 1e-6)
  }
}
