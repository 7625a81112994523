/// The adjacency lists of an HNSW graph: every node's level and its links on each level.
///
/// Layer 0 holds every node, so its lists live in one flat array with a fixed stride of
/// `1 + 2m` words (a count, then up to `2m` neighbour slots): the search loop finds a node's
/// list with one multiply-add. Upper layers hold about `1/m` of the nodes, so each such node
/// owns one small allocation holding its lists for levels 1...level, `1 + m` words each.
///
/// Not thread-safe by itself. ``reserve(_:used:)`` and ``initializeNode(_:level:)`` run while the
/// index holds its write lock and no insert is running; list contents change during parallel
/// inserts only under the owning node's ``NodeLocks`` lock.
final class GraphLinks {
  /// The most links a node keeps on layer 0 (`2m`).
  let maxLinks0: Int
  /// The most links a node keeps on each upper layer (`m`).
  let maxLinks: Int
  /// Words per layer-0 list: the count and `maxLinks0` slots.
  let level0Stride: Int
  /// Words per upper-layer list: the count and `maxLinks` slots.
  let upperStride: Int

  /// Nodes the arrays can hold without moving.
  private(set) var capacity = 0
  private(set) var level0: UnsafeMutablePointer<UInt32>
  private(set) var upper: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
  private(set) var levels: UnsafeMutablePointer<UInt8>

  /// The highest level a node can get; the level generator caps at it and snapshots are
  /// validated against it.
  static let maximumLevel = 63

  init(m: Int) {
    maxLinks = m
    maxLinks0 = 2 * m
    level0Stride = 1 + 2 * m
    upperStride = 1 + m
    level0 = GrowableBuffer.allocate(0, fill: 0)
    upper = GrowableBuffer.allocate(0, fill: nil)
    levels = GrowableBuffer.allocate(0, fill: 0)
  }

  deinit {
    for node in 0..<capacity {
      if let lists = upper[node] { lists.deallocate() }
    }
    GrowableBuffer.free(level0)
    GrowableBuffer.free(upper)
    GrowableBuffer.free(levels)
  }

  /// Makes room for `nodes` nodes, keeping the first `used`.
  func reserve(_ nodes: Int, used: Int) {
    guard nodes > capacity else { return }
    let newCapacity = GrowableBuffer.nextCapacity(current: capacity, needed: nodes)
    level0 = GrowableBuffer.grow(
      level0, count: used * level0Stride, to: newCapacity * level0Stride, fill: 0)
    upper = GrowableBuffer.grow(upper, count: used, to: newCapacity, fill: nil)
    levels = GrowableBuffer.grow(levels, count: used, to: newCapacity, fill: 0)
    capacity = newCapacity
  }

  /// Gives `node` (within capacity, not yet initialised) its level and empty lists on every
  /// level up to it.
  func initializeNode(_ node: Int, level: Int) {
    precondition(level >= 0 && level <= Self.maximumLevel, "level out of range")
    levels[node] = UInt8(level)
    level0[node * level0Stride] = 0
    if level > 0 {
      let words = level * upperStride
      let lists = UnsafeMutablePointer<UInt32>.allocate(capacity: words)
      lists.initialize(repeating: 0, count: words)
      upper[node] = lists
    }
  }

  /// The top level of `node`.
  @inline(__always)
  func level(_ node: Int) -> Int { Int(levels[node]) }

  /// `node`'s list on `level` (≤ its own level): the count, then the neighbour slots.
  @inline(__always)
  func list(_ node: Int, level: Int) -> UnsafeMutablePointer<UInt32> {
    level == 0
      ? level0 + node * level0Stride
      : upper[node].unsafelyUnwrapped + (level - 1) * upperStride
  }

  /// The most links a list on `level` holds.
  @inline(__always)
  func maxLinks(level: Int) -> Int { level == 0 ? maxLinks0 : maxLinks }
}
