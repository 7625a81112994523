/// A node and its distance to whatever is being searched for.
struct Neighbor {
  var distance: Float
  var id: UInt32

  @inline(__always)
  init(_ distance: Float, _ id: UInt32) {
    self.distance = distance
    self.id = id
  }

  /// Whether `a` ranks before `b`: nearer, or as near with the smaller slot (so results are
  /// deterministic when distances tie).
  @inline(__always)
  static func ranksBefore(_ a: Neighbor, _ b: Neighbor) -> Bool {
    a.distance < b.distance || (a.distance == b.distance && a.id < b.id)
  }
}

/// Which element a ``DistanceHeap`` keeps on top.
protocol HeapOrder {
  /// Whether `a` belongs above `b`.
  static func above(_ a: Neighbor, _ b: Neighbor) -> Bool
}

/// The nearest on top: the queue of nodes still to expand.
enum NearestOnTop: HeapOrder {
  @inline(__always)
  static func above(_ a: Neighbor, _ b: Neighbor) -> Bool { Neighbor.ranksBefore(a, b) }
}

/// The farthest on top: the bounded list of best results so far, whose worst is evicted.
enum FarthestOnTop: HeapOrder {
  @inline(__always)
  static func above(_ a: Neighbor, _ b: Neighbor) -> Bool { Neighbor.ranksBefore(b, a) }
}

/// The min-heap of candidates to expand.
typealias CandidateHeap = DistanceHeap<NearestOnTop>
/// The max-heap of the best results found.
typealias ResultHeap = DistanceHeap<FarthestOnTop>

/// A binary heap of ``Neighbor``s over a raw buffer that is reused from search to search.
///
/// Searches run hundreds of pushes and pops each; `Swift.Array` would add a uniqueness check and
/// bounds checks to every one, and a fresh array per search an allocation. The buffer only grows
/// (doubling), so a warmed-up scratch never allocates. A plain struct over a pointer: its owner
/// (``SearchScratch``) frees the storage once.
struct DistanceHeap<Order: HeapOrder> {
  private(set) var storage: UnsafeMutablePointer<Neighbor>
  private(set) var capacity: Int
  private(set) var count = 0

  init(capacity: Int) {
    self.capacity = max(capacity, 16)
    storage = GrowableBuffer.allocate(self.capacity, fill: Neighbor(0, 0))
  }

  /// Frees the storage (called once by the owner).
  func free() { GrowableBuffer.free(storage) }

  @inline(__always) var isEmpty: Bool { count == 0 }

  /// The top element; the heap must not be empty.
  @inline(__always) var top: Neighbor { storage[0] }

  @inline(__always)
  mutating func removeAll() { count = 0 }

  @inline(__always)
  mutating func push(_ element: Neighbor) {
    if count == capacity { grow() }
    // Sift the hole up from the end, then drop the element into it.
    var hole = count
    count += 1
    while hole > 0 {
      let parent = (hole - 1) >> 1
      let p = storage[parent]
      guard Order.above(element, p) else { break }
      storage[hole] = p
      hole = parent
    }
    storage[hole] = element
  }

  /// Removes and returns the top element; the heap must not be empty.
  @inline(__always)
  mutating func pop() -> Neighbor {
    let result = storage[0]
    count -= 1
    if count > 0 { siftDown(storage[count]) }
    return result
  }

  /// Replaces the top element with `element` (a pop and a push with one sift).
  @inline(__always)
  mutating func replaceTop(_ element: Neighbor) {
    siftDown(element)
  }

  /// Places `element` at the root and sifts it down to where it belongs.
  @inline(__always)
  private mutating func siftDown(_ element: Neighbor) {
    var hole = 0
    while true {
      var child = 2 * hole + 1
      if child >= count { break }
      if child + 1 < count, Order.above(storage[child + 1], storage[child]) { child += 1 }
      let c = storage[child]
      guard Order.above(c, element) else { break }
      storage[hole] = c
      hole = child
    }
    storage[hole] = element
  }

  @inline(never)
  private mutating func grow() {
    let newCapacity = capacity * 2
    storage = GrowableBuffer.grow(storage, count: count, to: newCapacity, fill: Neighbor(0, 0))
    capacity = newCapacity
  }
}
