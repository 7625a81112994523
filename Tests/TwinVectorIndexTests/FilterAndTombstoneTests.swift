import Testing
import TwinVectorIndex

@Suite struct FilterAndTombstoneTests {
  static let vectors = unitVectors(3000, dimension: 16, seed: 41)
  static let queries = unitVectors(30, dimension: 16, seed: 42)

  @Test func filtersAdmitOnlyMatchingSlots() throws {
    let index = try makeIndex(Self.vectors, metric: .cosine)
    let admitted: (Int) -> Bool = { $0 % 7 == 3 }
    for query in Self.queries {
      let hits = index.search(query, k: 10, filter: admitted)
      let exact = index.exactSearch(query, k: 10, filter: admitted)
      #expect(hits.count == 10 && exact.count == 10)
      #expect(hits.allSatisfy { admitted($0.slot) })
      #expect(exact.allSatisfy { admitted($0.slot) })
      #expect(
        exact.map(\.slot)
          == referenceNearest(.cosine, Self.vectors, query, k: 10, admitted: admitted).map(\.slot))
    }
  }

  /// A filter admitting 10 of 3000 slots: the search keeps exploring past rejected slots until
  /// it has found all of them.
  @Test func selectiveFilterStillReturnsKResults() throws {
    let index = try makeIndex(Self.vectors, metric: .cosine)
    let admitted: (Int) -> Bool = { $0 % 300 == 17 }
    let all = Set((0..<3000).filter(admitted))
    #expect(all.count == 10)
    for query in Self.queries {
      let hits = index.search(query, k: 10, filter: admitted)
      #expect(Set(hits.map(\.slot)) == all)
      #expect(isSorted(hits))
      #expect(hits == index.exactSearch(query, k: 10, filter: admitted))
      // Asking for more than exist returns what exists.
      #expect(index.search(query, k: 25, filter: admitted).count == 10)
    }
  }

  @Test func tombstonesAreNeverReturned() throws {
    let index = try makeIndex(Self.vectors, metric: .l2)
    // Delete every third slot, including the nearest neighbour of each query.
    var deleted = Set(stride(from: 0, to: 3000, by: 3))
    for query in Self.queries { deleted.insert(index.exactSearch(query, k: 1)[0].slot) }
    for slot in deleted { index.markDeleted(slot) }
    index.markDeleted(0)  // again: no effect
    #expect(index.count == 3000 - deleted.count)
    #expect(index.slotCount == 3000)
    #expect(index.isDeleted(3) && !index.isDeleted(4))
    for query in Self.queries {
      let hits = index.search(query, k: 10)
      let exact = index.exactSearch(query, k: 10)
      #expect(hits.count == 10 && exact.count == 10)
      #expect(hits.allSatisfy { !deleted.contains($0.slot) })
      #expect(
        exact.map(\.slot)
          == referenceNearest(.l2, Self.vectors, query, k: 10) { !deleted.contains($0) }.map(\.slot)
      )
      let filtered = index.search(query, k: 10) { $0.isMultiple(of: 2) }
      #expect(filtered.allSatisfy { !deleted.contains($0.slot) && $0.slot.isMultiple(of: 2) })
    }
    // Deleted slots keep their vectors.
    #expect(index.vector(3) == Self.vectors[3])
  }

  @Test func deletingEverythingLeavesNothingToFind() throws {
    let vectors = unitVectors(200, dimension: 8, seed: 43)
    let index = try makeIndex(vectors, metric: .dot)
    for slot in 0..<200 { index.markDeleted(slot) }
    #expect(index.count == 0)
    #expect(index.search(vectors[0], k: 5).isEmpty)
    #expect(index.exactSearch(vectors[0], k: 5).isEmpty)
    // Adding after deletions still works, and only the new slots are found.
    #expect(try index.add([vectors[0]]) == [200])
    #expect(index.search(vectors[0], k: 5).map(\.slot) == [200])
  }
}
