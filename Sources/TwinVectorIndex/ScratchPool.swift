import Synchronization

/// The idle ``SearchScratch``es of one index.
///
/// Holds at most as many as were ever in use at once (the peak number of concurrent searches
/// and insert threads), each sized for the index's link lists and vectors.
final class ScratchPool: Sendable {
  private let idle = Mutex<[SearchScratch]>([])
  private let maxLinks0: Int
  private let paddedDimension: Int

  init(maxLinks0: Int, paddedDimension: Int) {
    self.maxLinks0 = maxLinks0
    self.paddedDimension = paddedDimension
  }

  /// Runs `body` with a scratch whose visited set covers `nodeCapacity` nodes.
  @inline(__always)
  func withScratch<R>(nodeCapacity: Int, _ body: (SearchScratch) throws -> R) rethrows -> R {
    let scratch =
      idle.withLock { $0.popLast() }
      ?? SearchScratch(
        maxLinks0: maxLinks0, paddedDimension: paddedDimension, nodeCapacity: nodeCapacity)
    scratch.visited.ensureCapacity(nodeCapacity)
    defer { idle.withLock { $0.append(scratch) } }
    return try body(scratch)
  }
}
