/// The set of nodes one search has already seen, reset in O(1) between searches.
///
/// A mark per node holds the generation in which it was last visited; a node counts as visited
/// when its mark equals the current generation, so starting a new search only increments the
/// generation. Two-byte marks keep the array small enough to stay in L2 for ~100k nodes; after
/// 65,535 searches the generation wraps and the array is cleared once.
struct VisitedSet {
  private(set) var marks: UnsafeMutablePointer<UInt16>
  private(set) var capacity: Int
  private var generation: UInt16 = 0

  init(capacity: Int) {
    self.capacity = capacity
    marks = GrowableBuffer.allocate(capacity, fill: 0)
  }

  /// Frees the marks (the owner calls it once; the struct is a plain view over the pointer).
  func free() { GrowableBuffer.free(marks) }

  /// Makes the set hold nodes `0..<capacity` (dropping whatever it held).
  mutating func ensureCapacity(_ needed: Int) {
    guard needed > capacity else { return }
    GrowableBuffer.free(marks)
    capacity = GrowableBuffer.nextCapacity(current: capacity, needed: needed)
    marks = GrowableBuffer.allocate(capacity, fill: 0)
    generation = 0
  }

  /// Empties the set.
  @inline(__always)
  mutating func clear() {
    generation &+= 1
    if generation == 0 {
      marks.update(repeating: 0, count: capacity)
      generation = 1
    }
  }

  /// Adds `node`; true when it was not in the set yet.
  @inline(__always)
  mutating func insert(_ node: Int) -> Bool {
    if marks[node] == generation { return false }
    marks[node] = generation
    return true
  }
}
