import Synchronization

/// An in-memory approximate nearest-neighbour index: a Hierarchical Navigable Small World graph
/// (Malkov & Yashunin, "Efficient and robust approximate nearest neighbor search using
/// Hierarchical Navigable Small World graphs", 2018), with exact search beside it.
///
/// Vectors live in *slots* numbered densely from 0 in the order they are added; a slot is never
/// reused. Deleting a slot leaves a tombstone: the vector stays in the graph to keep paths
/// through it, but searches never return it. The whole index round-trips through
/// ``snapshot()`` and ``init(snapshot:)``; there is no other I/O.
///
/// Thread-safe: any number of concurrent ``search(_:k:ef:filter:)`` and
/// ``exactSearch(_:k:among:filter:)`` calls while one writer adds or deletes. Searches share a
/// readers–writer lock's read side; ``add(_:)`` takes the write side once per small group of
/// vectors (inserting each group in parallel), so searches keep being served during a long add,
/// each waiting at most for one group.
public final class HNSWIndex: @unchecked Sendable {
  // @unchecked: all mutable state lives in `graph`, read under `lock`'s read side and changed
  // only under its write side (or, during a group's parallel inserts, under per-node locks
  // while the write side is held).
  private let graph: HNSWGraph
  private let lock = ReadWriteLock()
  /// Serialises `add` calls, so each one's slots are one dense range.
  private let writer = Mutex(())
  private let pool: ScratchPool

  /// Vectors inserted per hold of the write lock: large enough that the parallel inserts of a
  /// group amortise starting the threads, small enough (~10 ms at 384 dimensions) that
  /// searches waiting for the lock are not held up noticeably.
  static let insertGroupSize = 256

  /// An empty index of `dimension`-component vectors.
  ///
  /// - Precondition: `dimension ≥ 1`; `parameters.m` in `2...HNSWParameters.maximumM`,
  ///   `efConstruction` and `efSearch` at least 1.
  public convenience init(
    dimension: Int, metric: VectorMetric, parameters: HNSWParameters = HNSWParameters()
  ) {
    precondition(dimension >= 1, "an index needs a dimension of at least 1, not \(dimension)")
    if let problem = parameters.problem {
      preconditionFailure("invalid HNSW parameters: \(problem)")
    }
    self.init(graph: HNSWGraph(dimension: dimension, metric: metric, parameters: parameters))
  }

  /// Wraps a built graph (new, or restored from a snapshot).
  init(graph: HNSWGraph) {
    self.graph = graph
    pool = ScratchPool(
      maxLinks0: graph.links.maxLinks0, paddedDimension: graph.storage.paddedDimension)
  }

  /// Components per vector.
  public var dimension: Int { graph.dimension }
  /// How distances are measured.
  public var metric: VectorMetric { graph.metric }
  /// The graph parameters the index was built with.
  public var parameters: HNSWParameters { graph.parameters }

  /// Every slot ever added, deleted ones included; the next ``add(_:)`` starts here.
  public var slotCount: Int { lock.withReadLock { graph.count } }

  /// Live (not deleted) slots.
  public var count: Int { lock.withReadLock { graph.count - graph.tombstones.count } }

  /// Appends `vectors` (each of ``dimension`` components; normalised first for cosine) and
  /// links them into the graph. Returns their slots: `slotCount..<slotCount + vectors.count`,
  /// in order.
  ///
  /// Inserts run in parallel on ``Parallel/threadCount`` threads with per-node locking, in
  /// groups of a few hundred, each under the write lock, so concurrent searches keep being
  /// served between groups; a search sees either none or all of a group. Concurrent `add`
  /// calls run one after the other.
  ///
  /// - Throws: ``VectorIndexError/dimensionMismatch(index:expected:actual:)`` naming the first
  ///   vector of the wrong length (nothing is added then), or
  ///   ``VectorIndexError/capacityExceeded(requested:maximum:)``.
  public func add(_ vectors: [[Float]]) throws -> [Int] {
    for (i, vector) in vectors.enumerated() where vector.count != dimension {
      throw VectorIndexError.dimensionMismatch(index: i, expected: dimension, actual: vector.count)
    }
    guard !vectors.isEmpty else { return [] }
    return try writer.withLock { _ in
      // Only this thread changes the slot count while it holds `writer`.
      let first = lock.withReadLock { graph.count }
      let (end, overflow) = first.addingReportingOverflow(vectors.count)
      guard !overflow, end <= HNSWGraph.maximumSlots else {
        throw VectorIndexError.capacityExceeded(
          requested: overflow ? Int.max : end, maximum: HNSWGraph.maximumSlots)
      }
      var start = 0
      while start < vectors.count {
        let stop = min(start + Self.insertGroupSize, vectors.count)
        lock.withWriteLock {
          graph.reserve(end)
          for i in start..<stop {
            vectors[i].withUnsafeBufferPointer { _ = graph.appendNode($0) }
          }
          graph.insertNodes((first + start)..<(first + stop), pool: pool)
        }
        start = stop
      }
      return Array(first..<end)
    }
  }

  /// Marks `slot` deleted: searches never return it again, though the graph still routes
  /// through it. Deleting a deleted slot does nothing.
  ///
  /// - Precondition: `slot` is in `0..<slotCount`.
  public func markDeleted(_ slot: Int) {
    lock.withWriteLock {
      precondition(
        slot >= 0 && slot < graph.count, "slot \(slot) is not in the index (0..<\(graph.count))")
      graph.tombstones.mark(slot)
    }
  }

  /// Whether `slot` is deleted.
  ///
  /// - Precondition: `slot` is in `0..<slotCount`.
  public func isDeleted(_ slot: Int) -> Bool {
    lock.withReadLock {
      precondition(
        slot >= 0 && slot < graph.count, "slot \(slot) is not in the index (0..<\(graph.count))")
      return graph.tombstones.flags[slot]
    }
  }

  /// The vector in `slot` as stored: L2-normalised for cosine, as given otherwise. Deleted slots
  /// keep their vectors.
  ///
  /// - Precondition: `slot` is in `0..<slotCount`.
  public func vector(_ slot: Int) -> [Float] {
    lock.withReadLock {
      precondition(
        slot >= 0 && slot < graph.count, "slot \(slot) is not in the index (0..<\(graph.count))")
      return Array(UnsafeBufferPointer(start: graph.storage.pointer(slot), count: dimension))
    }
  }

  /// The approximately `k` nearest live slots to `query`, nearest first (ties by slot).
  ///
  /// Descends the graph greedily, then searches layer 0 best-first keeping
  /// `max(ef ?? parameters.efSearch, k)` candidates: a larger `ef` raises recall and costs time.
  ///
  /// `filter` decides which slots may be returned (deleted slots never are); the search still
  /// travels through rejected slots, since they may be the only way to the admitted ones. With
  /// a filter the search keeps exploring until it holds `ef` admitted slots and no candidate is
  /// nearer than the worst of them, or it has reached every slot it can reach: a selective
  /// filter still gets `k` results when `k` exist, at a cost approaching a scan of the graph.
  /// For a filter that admits a small known set, ``exactSearch(_:k:among:filter:)`` with
  /// `among:` is faster.
  ///
  /// `filter` runs on the calling thread while the index's read lock is held: it must not call
  /// back into this index (that can deadlock while a writer waits).
  ///
  /// - Precondition: `query.count == dimension` (callers validate input before it gets here).
  /// - Returns: At most `k` hits; fewer when fewer slots are live and admitted.
  public func search(
    _ query: [Float], k: Int, ef: Int? = nil, filter: ((Int) -> Bool)? = nil
  ) -> [VectorHit] {
    precondition(
      query.count == dimension,
      "query has \(query.count) dimensions, but the index holds \(dimension)-dimensional vectors")
    guard k > 0 else { return [] }
    let ef = max(ef ?? parameters.efSearch, k)
    return lock.withReadLock {
      let start = graph.entry.withLock { $0 }
      guard start.node >= 0 else { return [] }
      return pool.withScratch(nodeCapacity: graph.capacity) { scratch in
        graph.prepareQuery(query, in: scratch)
        let view = graph.view
        switch metric {
        case .cosine:
          return view.nearest(
            CosineDistance.self, k: k, ef: ef, entry: start, filter: filter, scratch: scratch)
        case .dot:
          return view.nearest(
            NegativeDotDistance.self, k: k, ef: ef, entry: start, filter: filter,
            scratch: scratch)
        case .l2:
          return view.nearest(
            SquaredEuclideanDistance.self, k: k, ef: ef, entry: start, filter: filter,
            scratch: scratch)
        }
      }
    }
  }

  /// The exact `k` nearest live slots to `query`, nearest first (ties by slot), by comparing
  /// against every live slot, or only against `among` when given (duplicates count once).
  ///
  /// The recall oracle for ``search(_:k:ef:filter:)`` and the right path for small collections
  /// and short candidate lists. `filter` is asked only about slots that would enter the top
  /// `k`; like a search filter it must not call back into this index.
  ///
  /// - Precondition: `query.count == dimension`; every slot in `among` is in `0..<slotCount`.
  public func exactSearch(
    _ query: [Float], k: Int, among: [Int]? = nil, filter: ((Int) -> Bool)? = nil
  ) -> [VectorHit] {
    precondition(
      query.count == dimension,
      "query has \(query.count) dimensions, but the index holds \(dimension)-dimensional vectors")
    guard k > 0 else { return [] }
    return lock.withReadLock {
      pool.withScratch(nodeCapacity: graph.capacity) { scratch in
        graph.prepareQuery(query, in: scratch)
        let view = graph.view
        switch metric {
        case .cosine:
          return view.exactNearest(
            CosineDistance.self, k: k, among: among, filter: filter, scratch: scratch)
        case .dot:
          return view.exactNearest(
            NegativeDotDistance.self, k: k, among: among, filter: filter, scratch: scratch)
        case .l2:
          return view.exactNearest(
            SquaredEuclideanDistance.self, k: k, among: among, filter: filter, scratch: scratch)
        }
      }
    }
  }

  /// The whole index — parameters, vectors, levels, links, tombstones and entry point — as
  /// bytes for ``init(snapshot:)``: a magic, a format version, the contents (little-endian)
  /// and a checksum. Taken under the read lock, so it is consistent even during an `add`.
  public func snapshot() -> [UInt8] {
    lock.withReadLock { IndexSnapshot.encode(graph) }
  }

  /// Rebuilds an index from ``snapshot()`` bytes; searches on it return exactly what they
  /// returned on the original.
  ///
  /// - Throws: ``VectorIndexError`` when the bytes are truncated, not a snapshot, of an
  ///   unsupported version, fail the checksum, or contradict themselves. Bad bytes never crash.
  public convenience init(snapshot bytes: [UInt8]) throws {
    self.init(graph: try IndexSnapshot.decode(bytes))
  }
}
