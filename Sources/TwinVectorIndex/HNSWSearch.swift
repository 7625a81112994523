/// The two searches of HNSW (Malkov & Yashunin, algorithms 2 and 5): a greedy walk down the
/// upper layers, then a best-first search with a bounded result list on the target layer.
extension GraphView {
  /// Walks greedily from `entry` down to `target + 1`: on each level, moves to the nearest
  /// neighbour of the current node until none is nearer. Returns the node reached at level
  /// `target + 1` (or `entry` itself when it is not above `target`) and its distance.
  @inline(__always)
  func greedyDescent<K: DistanceKernel, L: LinkReading>(
    _: K.Type, _: L.Type, query: UnsafePointer<Float>, from entry: EntryPoint, to target: Int,
    copy: UnsafeMutablePointer<UInt32>
  ) -> Neighbor {
    var best = Neighbor(
      K.distance(query, vector(entry.node), count: paddedDimension), UInt32(entry.node))
    var level = entry.level
    while level > target {
      var moved = true
      while moved {
        moved = false
        let list = L.read(self, node: Int(best.id), level: level, copy: copy)
        let n = Int(list[0])
        for j in 0..<n {
          let candidate = list[1 + j]
          let d = K.distance(query, vector(Int(candidate)), count: paddedDimension)
          if d < best.distance {
            best = Neighbor(d, candidate)
            moved = true
          }
        }
      }
      level -= 1
    }
    return best
  }

  /// Best-first search of one level from `entry`, leaving the (up to) `ef` nearest admitted
  /// nodes in `scratch.results`.
  ///
  /// Candidates are expanded nearest first. A neighbour becomes a candidate while the result
  /// list has room or it is nearer than the worst result; the search stops when the nearest
  /// unexpanded candidate is farther than the worst of `ef` results. Nodes the admission
  /// rejects are still expanded (they are how the graph reaches the rest) but never enter the
  /// results, so while fewer than `ef` admitted nodes have been found every neighbour is
  /// followed: a selective filter makes the search explore until it has `ef` admitted results or
  /// has run out of reachable nodes.
  ///
  /// Each expansion first collects the unvisited neighbours, then computes all their distances
  /// in one tight loop, prefetching one vector ahead (independent loads the core overlaps,
  /// instead of cache misses serialised behind heap updates), then updates the heaps.
  @inline(__always)
  func searchLayer<K: DistanceKernel, L: LinkReading, A: Admission>(
    _: K.Type, _: L.Type, query: UnsafePointer<Float>, entry: Neighbor, level: Int, ef: Int,
    admission: A, scratch: SearchScratch
  ) {
    var visited = scratch.visited
    var candidates = scratch.candidates
    var results = scratch.results
    defer {
      scratch.visited = visited
      scratch.candidates = candidates
      scratch.results = results
    }
    visited.clear()
    candidates.removeAll()
    results.removeAll()
    let copy = scratch.linkCopy
    let fresh = scratch.fresh
    let distances = scratch.distances

    _ = visited.insert(Int(entry.id))
    candidates.push(entry)
    if admission.admits(entry.id) { results.push(entry) }
    while !candidates.isEmpty {
      let current = candidates.top
      if results.count >= ef && current.distance > results.top.distance { break }
      _ = candidates.pop()
      let list = L.read(self, node: Int(current.id), level: level, copy: copy)
      let n = Int(list[0])
      var unvisited = 0
      for j in 0..<n {
        let id = list[1 + j]
        if visited.insert(Int(id)) {
          fresh[unvisited] = id
          unvisited += 1
        }
      }
      // Start loading the next vector while this one's distance is computed (its first line;
      // the hardware prefetcher follows the rest of a sequential 1.5 KB read by itself).
      // Measured on 100k MiniLM vectors: ~30% more queries per second than no prefetch; two
      // lines, two vectors ahead, or all neighbours up front were no better.
      if unvisited > 0 { prefetch(vector(Int(fresh[0]))) }
      for j in 0..<unvisited {
        if j + 1 < unvisited { prefetch(vector(Int(fresh[j + 1]))) }
        distances[j] = K.distance(query, vector(Int(fresh[j])), count: paddedDimension)
      }
      for j in 0..<unvisited {
        let d = distances[j]
        guard results.count < ef || d < results.top.distance else { continue }
        let neighbor = Neighbor(d, fresh[j])
        candidates.push(neighbor)
        if admission.admits(neighbor.id) {
          if results.count < ef {
            results.push(neighbor)
          } else {
            results.replaceTop(neighbor)
          }
        }
      }
    }
  }

  /// The `k` nearest admitted nodes to the (prepared) query in `scratch.query`, nearest first:
  /// greedy descent to layer 0, then a layer-0 search with a list of `ef ≥ k`.
  func nearest<K: DistanceKernel>(
    _: K.Type, k: Int, ef: Int, entry: EntryPoint, filter: ((Int) -> Bool)?,
    scratch: SearchScratch
  ) -> [VectorHit] {
    guard entry.node >= 0, k > 0 else { return [] }
    let query = UnsafePointer(scratch.query)
    let start = greedyDescent(
      K.self, DirectLinks.self, query: query, from: entry, to: 0, copy: scratch.linkCopy)
    if deletedCount == 0 && filter == nil {
      searchLayer(
        K.self, DirectLinks.self, query: query, entry: start, level: 0, ef: ef,
        admission: AdmitAll(), scratch: scratch)
    } else {
      searchLayer(
        K.self, DirectLinks.self, query: query, entry: start, level: 0, ef: ef,
        admission: AdmitLiveFiltered(deleted: deleted, filter: filter), scratch: scratch)
    }
    return Self.drain(&scratch.results, keeping: k)
  }

  /// The best `k` of a result heap in ascending order (ties by slot); empties the heap.
  static func drain(_ results: inout ResultHeap, keeping k: Int) -> [VectorHit] {
    while results.count > k { _ = results.pop() }
    let n = results.count
    return [VectorHit](unsafeUninitializedCapacity: n) { buffer, initialized in
      // The heap pops the farthest first: fill from the back.
      for i in stride(from: n - 1, through: 0, by: -1) {
        let hit = results.pop()
        (buffer.baseAddress! + i).initialize(
          to: VectorHit(slot: Int(hit.id), distance: hit.distance))
      }
      initialized = n
    }
  }
}
