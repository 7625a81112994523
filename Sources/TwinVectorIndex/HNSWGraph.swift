import Synchronization
import TwinTensor

/// The top of the graph: the node searches start from and its level (`node == -1` when empty).
struct EntryPoint: Sendable, Equatable {
  var node: Int
  var level: Int

  static let none = EntryPoint(node: -1, level: -1)
}

/// The state of an HNSW index: vectors, levels, links, tombstones and the entry point.
///
/// Not thread-safe by itself; ``HNSWIndex`` serialises access with its readers–writer lock.
/// Under the write lock it appends nodes and runs parallel inserts (``insertNodes(_:pool:)``),
/// which coordinate through the per-node ``locks`` and the ``entry`` mutex. Under the read lock
/// any number of searches run over a ``view``.
final class HNSWGraph: @unchecked Sendable {
  let dimension: Int
  let metric: VectorMetric
  let parameters: HNSWParameters
  let storage: VectorStorage
  let links: GraphLinks
  let locks = NodeLocks()
  let tombstones = Tombstones()
  /// Slots in use (including deleted ones).
  private(set) var count = 0
  /// The entry point. A mutex rather than a plain field because parallel inserts read it and the
  /// insert that raises the graph's top level replaces it (holding the mutex while it links, so
  /// no insert starts from a top that is about to change).
  let entry = Mutex(EntryPoint.none)

  /// Slot ids are 32-bit inside the graph (half the link memory of 64-bit ids).
  static let maximumSlots = Int(UInt32.max)

  init(dimension: Int, metric: VectorMetric, parameters: HNSWParameters) {
    self.dimension = dimension
    self.metric = metric
    self.parameters = parameters
    storage = VectorStorage(dimension: dimension)
    links = GraphLinks(m: parameters.m)
  }

  /// Slots the buffers hold without growing.
  var capacity: Int { storage.capacity }

  /// Makes room for `slots` slots. Moves buffers: call only with exclusive access.
  func reserve(_ slots: Int) {
    storage.reserve(slots, used: count)
    links.reserve(slots, used: count)
    locks.reserve(slots)
    tombstones.reserve(slots, used: count)
  }

  /// Stores `vector` (normalised for cosine) in the next slot with its level and empty lists,
  /// not yet linked into the graph. Capacity must have been reserved.
  @discardableResult
  func appendNode(_ vector: UnsafeBufferPointer<Float>) -> Int {
    precondition(count < capacity && vector.count == dimension)
    let slot = count
    let target = storage.pointer(slot)
    if let source = vector.baseAddress { target.update(from: source, count: dimension) }
    if metric == .cosine { Kernels.l2Normalize(target, count: dimension) }
    links.initializeNode(
      slot, level: LevelGenerator.level(slot: slot, seed: parameters.seed, m: parameters.m))
    count += 1
    return slot
  }

  /// Appends a node restored from a snapshot: its stored vector, level and deletion flag.
  func appendRestoredNode(vector: UnsafePointer<Float>, level: Int, deleted: Bool) {
    precondition(count < capacity)
    storage.pointer(count).update(from: vector, count: dimension)
    links.initializeNode(count, level: level)
    if deleted { tombstones.mark(count) }
    count += 1
  }

  /// A copy of the query in `scratch.query`, normalised for cosine; the padding stays zero.
  func prepareQuery(_ query: [Float], in scratch: SearchScratch) {
    query.withUnsafeBufferPointer { q in
      if let source = q.baseAddress { scratch.query.update(from: source, count: dimension) }
    }
    if metric == .cosine { Kernels.l2Normalize(scratch.query, count: dimension) }
  }

  /// The current buffers as a plain value, for the search and insert loops. Valid until the
  /// next ``reserve(_:)``.
  var view: GraphView {
    GraphView(
      vectors: storage.base, paddedDimension: storage.paddedDimension, level0: links.level0,
      level0Stride: links.level0Stride, upper: links.upper, upperStride: links.upperStride,
      levels: links.levels, maxLinks0: links.maxLinks0, maxLinks: links.maxLinks,
      deleted: tombstones.flags, deletedCount: tombstones.count, count: count, locks: locks.table)
  }
}
