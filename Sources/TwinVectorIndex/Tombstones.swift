/// Which slots are deleted.
///
/// Deletion is a tombstone: the node stays in the graph, because removing it would cut paths
/// other nodes are reached through, and searches skip it when collecting results. One byte per
/// slot, so the result check is a single load.
///
/// Not thread-safe by itself: the index changes it only under its write lock.
final class Tombstones {
  private(set) var flags: UnsafeMutablePointer<Bool>
  private(set) var capacity = 0
  /// Slots marked deleted.
  private(set) var count = 0

  init() {
    flags = GrowableBuffer.allocate(0, fill: false)
  }

  deinit { GrowableBuffer.free(flags) }

  /// Makes room for `slots` flags, keeping the first `used`.
  func reserve(_ slots: Int, used: Int) {
    guard slots > capacity else { return }
    let newCapacity = GrowableBuffer.nextCapacity(current: capacity, needed: slots)
    flags = GrowableBuffer.grow(flags, count: used, to: newCapacity, fill: false)
    capacity = newCapacity
  }

  /// Marks `slot` deleted; true when it was live.
  @discardableResult
  func mark(_ slot: Int) -> Bool {
    if flags[slot] { return false }
    flags[slot] = true
    count += 1
    return true
  }
}
