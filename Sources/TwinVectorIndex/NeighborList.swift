/// A reusable, growable array of ``Neighbor``s over a raw buffer (no per-search allocation, no
/// bounds or uniqueness checks in the insert loop). Its owner frees it once.
struct NeighborList {
  private(set) var storage: UnsafeMutablePointer<Neighbor>
  private(set) var capacity: Int
  var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    storage = GrowableBuffer.allocate(self.capacity, fill: Neighbor(0, 0))
  }

  func free() { GrowableBuffer.free(storage) }

  /// Empties the list and makes room for `needed` elements (dropping the old contents).
  mutating func reset(capacity needed: Int) {
    count = 0
    guard needed > capacity else { return }
    GrowableBuffer.free(storage)
    capacity = GrowableBuffer.nextCapacity(current: capacity, needed: needed)
    storage = GrowableBuffer.allocate(capacity, fill: Neighbor(0, 0))
  }

  @inline(__always)
  subscript(i: Int) -> Neighbor {
    get { storage[i] }
    nonmutating set { storage[i] = newValue }
  }
}
