import Foundation
import Synchronization
import Testing
import TwinVectorIndex

@Suite struct ConcurrencyTests {
  /// What the reader and writer tasks share.
  final class Shared: Sendable {
    let writerDone = Atomic<Bool>(false)
    let searches = Atomic<Int>(0)
    let problems = Mutex<[String]>([])

    func report(_ problem: String) { problems.withLock { $0.append(problem) } }
  }

  /// Checks one result list against what holds whatever the writer has done so far: at most `k`
  /// hits, sorted, distinct, existing slots that pass the filter, with their true distances.
  static func check(
    _ hits: [VectorHit], query: [Float], k: Int, index: HNSWIndex, shared: Shared,
    filter: ((Int) -> Bool)? = nil
  ) {
    let slots = index.slotCount
    if hits.count > k { shared.report("\(hits.count) hits for k \(k)") }
    if !isSorted(hits) { shared.report("unsorted hits") }
    if Set(hits.map(\.slot)).count != hits.count { shared.report("duplicate slots") }
    for hit in hits {
      guard hit.slot >= 0, hit.slot < slots else {
        shared.report("slot \(hit.slot) outside 0..<\(slots)")
        continue
      }
      if let filter, !filter(hit.slot) { shared.report("slot \(hit.slot) fails the filter") }
      let expected = referenceDistance(.cosine, index.vector(hit.slot), query)
      if abs(Double(hit.distance) - expected) > 1e-4 {
        shared.report("slot \(hit.slot) at distance \(hit.distance), expected \(expected)")
      }
    }
  }

  /// Two readers search in a loop while a writer adds 5,000 vectors (four calls, each inserted
  /// in parallel groups) and then deletes some: every result a reader sees must be valid.
  ///
  /// Readers and writer are plain threads, not tasks: looping readers on the cooperative pool
  /// (two threads on a two-core machine) would keep the writer task from ever being scheduled.
  @Test func readersSeeValidResultsWhileAWriterAdds() throws {
    let dimension = 32
    let initial = unitVectors(1000, dimension: dimension, seed: 61)
    let added = unitVectors(5000, dimension: dimension, seed: 62)
    let queries = unitVectors(50, dimension: dimension, seed: 63)
    let index = try makeIndex(
      initial, metric: .cosine, parameters: HNSWParameters(m: 12, efConstruction: 100))
    let shared = Shared()
    let finished = DispatchGroup()

    for reader in 0..<2 {
      finished.enter()
      Thread.detachNewThread {
        defer { finished.leave() }
        var i = reader
        while !shared.writerDone.load(ordering: .acquiring) {
          let query = queries[i % queries.count]
          switch i % 3 {
          case 0:
            Self.check(
              index.search(query, k: 10), query: query, k: 10, index: index, shared: shared)
          case 1:
            let even: (Int) -> Bool = { $0.isMultiple(of: 2) }
            Self.check(
              index.search(query, k: 5, ef: 32, filter: even), query: query, k: 5, index: index,
              shared: shared, filter: even)
          default:
            Self.check(
              index.exactSearch(query, k: 10), query: query, k: 10, index: index, shared: shared)
          }
          shared.searches.wrappingAdd(1, ordering: .relaxed)
          i += 2
        }
      }
    }
    finished.enter()
    Thread.detachNewThread {
      defer {
        shared.writerDone.store(true, ordering: .releasing)
        finished.leave()
      }
      var next = 1000
      for batch in stride(from: 0, to: added.count, by: 1250) {
        do {
          let slots = try index.add(Array(added[batch..<(batch + 1250)]))
          if slots != Array(next..<(next + 1250)) {
            shared.report("add returned slots from \(slots.first ?? -1), expected \(next)")
          }
        } catch {
          shared.report("add failed: \(error)")
        }
        next += 1250
      }
      for slot in stride(from: 1000, to: 6000, by: 97) { index.markDeleted(slot) }
    }
    finished.wait()

    let problems = shared.problems.withLock { $0 }
    #expect(problems.isEmpty, "\(problems.prefix(5))")
    #expect(shared.searches.load(ordering: .relaxed) > 0)
    #expect(index.slotCount == 6000 && index.count == 6000 - 52)
    // Afterwards the graph holds everything: added vectors find themselves, deleted ones don't.
    for slot in stride(from: 1001, to: 6000, by: 250) where !index.isDeleted(slot) {
      #expect(index.search(added[slot - 1000], k: 1).first?.slot == slot)
    }
    for slot in stride(from: 1000, to: 6000, by: 97) {
      #expect(!index.search(added[slot - 1000], k: 3).contains { $0.slot == slot })
    }
  }
}
