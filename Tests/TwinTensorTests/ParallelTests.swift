import Synchronization
import Testing
import TwinTensor

/// Counts how often each index was visited, from any thread.
final class VisitCounter: Sendable {
  let counts: Mutex<[Int]>
  init(_ n: Int) { counts = Mutex([Int](repeating: 0, count: n)) }
  func visit(_ range: Range<Int>) { counts.withLock { for i in range { $0[i] += 1 } } }
  var allOnce: Bool { counts.withLock { $0.allSatisfy { $0 == 1 } } }
}

@Suite struct ParallelTests {
  @Test(arguments: [0, 1, 2, 7, 100, 10_007])
  func coversEveryIndexExactlyOnce(_ count: Int) {
    for minChunk in [1, 3, 1000] {
      let counter = VisitCounter(count)
      let ranges = Mutex<[Range<Int>]>([])
      Parallel.forRange(count, minChunk: minChunk) { range in
        counter.visit(range)
        ranges.withLock { $0.append(range) }
      }
      #expect(counter.allOnce)
      let all = ranges.withLock { $0 }
      if count > 0 {
        // Ranges respect minChunk unless the whole loop is smaller than one chunk.
        #expect(all.allSatisfy { $0.count >= min(minChunk, count) })
      } else {
        #expect(all.isEmpty)
      }
    }
  }

  @Test func nestedCallsRunAndCoverEverything() {
    let outer = 8
    let inner = 1000
    let counter = VisitCounter(outer * inner)
    Parallel.forRange(outer) { range in
      for o in range {
        Parallel.forRange(inner, minChunk: 10) { r in
          counter.visit((o * inner + r.lowerBound)..<(o * inner + r.upperBound))
        }
      }
    }
    #expect(counter.allOnce)
  }

  @Test func safeFromManyConcurrentTasks() async {
    // Several tasks call into the pool at once: one gets it, the others run serially, and
    // every call still covers its whole range.
    let total = 16
    let counters = (0..<total).map { _ in VisitCounter(5000) }
    await withTaskGroup(of: Void.self) { group in
      for t in 0..<total {
        group.addTask {
          for _ in 0..<20 {
            let local = VisitCounter(5000)
            Parallel.forRange(5000, minChunk: 100) { local.visit($0) }
            #expect(local.allOnce)
          }
          Parallel.forRange(5000, minChunk: 100) { counters[t].visit($0) }
        }
      }
    }
    #expect(counters.allSatisfy { $0.allOnce })
  }

  @Test func seriallyKeepsEverythingOnTheCaller() {
    let ranges = Mutex<[Range<Int>]>([])
    Parallel.serially {
      Parallel.forRange(1000, minChunk: 1) { range in ranges.withLock { $0.append(range) } }
    }
    #expect(ranges.withLock { $0 } == [0..<1000])
  }

  @Test func threadCountIsPositive() {
    #expect(Parallel.threadCount >= 1)
  }
}
