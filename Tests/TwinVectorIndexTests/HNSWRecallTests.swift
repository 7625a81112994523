import Testing
import TwinVectorIndex

@Suite struct HNSWRecallTests {
  /// Recall@10 of the graph search against exact search on 20k random unit vectors.
  ///
  /// Uniformly random vectors are the hard case for HNSW: their intrinsic dimension is the full
  /// dimension, so no low-dimensional structure guides the search, and at 384 dimensions
  /// recall@10 ≥ 0.98 would take an ef in the high hundreds (and a build far too slow for a
  /// unit test). At 32 dimensions the graph still has to do real work — a greedy search with a
  /// small ef misses many neighbours, and the test checks that — while ef 128 reaches ≥ 0.98
  /// with default M 16 / efConstruction 200, building in a few seconds on two cores.
  @Test func recallAt10OnRandomUnitVectors() throws {
    let vectors = unitVectors(20_000, dimension: 32, seed: 1)
    let queries = unitVectors(200, dimension: 32, seed: 2)
    let index = try makeIndex(vectors, metric: .cosine)
    #expect(index.count == 20_000)
    let exact = queries.map { index.exactSearch($0, k: 10) }
    let approximate = queries.map { index.search($0, k: 10, ef: 128) }
    for hits in approximate {
      #expect(hits.count == 10)
      #expect(isSorted(hits))
    }
    let r = recall(approximate, exact, k: 10)
    #expect(r >= 0.98, "recall@10 at ef 128 is \(r)")
    // The ef knob is real: a tiny candidate list finds clearly fewer true neighbours.
    let greedy = recall(queries.map { index.search($0, k: 10, ef: 10) }, exact, k: 10)
    #expect(greedy < r)
  }

  /// Hits carry the same distances exact search computes for those slots.
  @Test(arguments: VectorMetric.allCases)
  func hitsAreExactDistancesOfTheirSlots(_ metric: VectorMetric) throws {
    let vectors = gaussianVectors(3000, dimension: 24, seed: 5)
    let index = try makeIndex(vectors, metric: metric)
    for query in gaussianVectors(20, dimension: 24, seed: 6) {
      let hits = index.search(query, k: 10)
      #expect(hits.count == 10)
      #expect(isSorted(hits))
      let exactBySlot = Dictionary(
        uniqueKeysWithValues: index.exactSearch(query, k: 10, among: hits.map(\.slot)).map {
          ($0.slot, $0.distance)
        })
      for hit in hits { #expect(exactBySlot[hit.slot] == hit.distance) }
    }
  }

  @Test func emptyIndexAndEdgeCases() throws {
    let index = HNSWIndex(dimension: 4, metric: .l2)
    #expect(index.search([1, 2, 3, 4], k: 5).isEmpty)
    #expect(index.exactSearch([1, 2, 3, 4], k: 5).isEmpty)
    #expect(try index.add([]) == [])
    #expect(try index.add([[1, 0, 0, 0]]) == [0])
    #expect(index.search([1, 2, 3, 4], k: 5).map(\.slot) == [0])
    #expect(index.search([1, 2, 3, 4], k: 0).isEmpty)
    #expect(try index.add([[0, 1, 0, 0], [0, 0, 1, 0]]) == [1, 2])
    #expect(index.slotCount == 3 && index.count == 3)
    // k beyond the collection: everything, in order.
    #expect(index.search([0, 0, 1, 0], k: 50).map(\.slot).first == 2)
    #expect(index.search([0, 0, 1, 0], k: 50).count == 3)
  }
}
