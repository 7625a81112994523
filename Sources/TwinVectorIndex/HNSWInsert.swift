import Synchronization
import TwinTensor

/// Insertion (Malkov & Yashunin, algorithm 1), safe to run on several threads at once: inserts
/// coordinate through per-node locks on the link lists and the entry-point mutex, as in hnswlib.
extension HNSWGraph {
  /// Links the stored, not yet linked nodes `nodes` into the graph on ``Parallel/threadCount``
  /// threads. Each thread claims the next node in slot order, so the graph grows in nearly the
  /// order a serial build would use. Call with exclusive access to the index (no searches run).
  func insertNodes(_ nodes: Range<Int>, pool: ScratchPool) {
    let view = self.view
    let capacity = self.capacity
    let next = Atomic<Int>(nodes.lowerBound)
    let threads = max(1, min(Parallel.threadCount, nodes.count))
    Parallel.forRange(threads, minChunk: 1) { _ in
      pool.withScratch(nodeCapacity: capacity) { scratch in
        while true {
          let node = next.wrappingAdd(1, ordering: .relaxed).oldValue
          guard node < nodes.upperBound else { return }
          switch metric {
          case .cosine: insert(CosineDistance.self, node: node, view: view, scratch: scratch)
          case .dot: insert(NegativeDotDistance.self, node: node, view: view, scratch: scratch)
          case .l2: insert(SquaredEuclideanDistance.self, node: node, view: view, scratch: scratch)
          }
        }
      }
    }
  }

  /// Links one node, entering the graph at the current entry point. A node whose level is above
  /// the graph's top is linked while holding the entry mutex, then becomes the entry point:
  /// such nodes are rare (about one in `m^(top+1)`), and holding the mutex keeps two of them
  /// from racing to become the top and other inserts from starting at a top about to change.
  private func insert<K: DistanceKernel>(
    _: K.Type, node: Int, view: GraphView, scratch: SearchScratch
  ) {
    let level = view.level(node)
    let ef = parameters.efConstruction
    let m = parameters.m
    let current = entry.withLock { $0 }
    if level <= current.level {
      view.link(K.self, node: node, entry: current, ef: ef, m: m, scratch: scratch)
      return
    }
    entry.withLock { state in
      view.link(K.self, node: node, entry: state, ef: ef, m: m, scratch: scratch)
      if level > state.level { state = EntryPoint(node: node, level: level) }
    }
  }
}

extension GraphView {
  /// Links `node` (stored, with its level and empty lists) into the graph entered at `entry`:
  /// a greedy descent to the node's level, then on each level from there down a search with
  /// `ef` candidates, heuristic selection of `m` of them, and links both ways.
  func link<K: DistanceKernel>(
    _: K.Type, node: Int, entry: EntryPoint, ef: Int, m: Int, scratch: SearchScratch
  ) {
    guard entry.node >= 0 else { return }  // The first node: nothing to link to.
    let level = self.level(node)
    let query = UnsafePointer(vector(node))
    var nearest = greedyDescent(
      K.self, LockedLinks.self, query: query, from: entry, to: level, copy: scratch.linkCopy)
    for layer in stride(from: min(level, entry.level), through: 0, by: -1) {
      searchLayer(
        K.self, LockedLinks.self, query: query, entry: nearest, level: layer, ef: ef,
        admission: AdmitAll(), scratch: scratch)

      // The results in ascending order, without the node itself: another insert may already
      // have linked to it on this level (it became reachable once linked on the level above).
      var results = scratch.results
      var ordered = scratch.ordered
      let total = results.count
      ordered.reset(capacity: total)
      var first = total
      while !results.isEmpty {
        let candidate = results.pop()
        if Int(candidate.id) != node {
          first -= 1
          ordered[first] = candidate
        }
      }
      scratch.results = results
      scratch.ordered = ordered
      guard first < total else { continue }
      let candidates = UnsafePointer(ordered.storage + first)
      let chosen = selectNeighbors(
        K.self, from: candidates, count: total - first, limit: m, into: scratch.selected)
      connect(
        K.self, node: node, level: layer, selected: scratch.selected, count: chosen,
        scratch: scratch)
      nearest = candidates[0]
    }
  }

  /// Gives `node` the `count` `selected` links on `level` and adds the reverse links.
  ///
  /// The node's list is normally still empty, but another insert may have found the node and
  /// linked itself there already; those links are kept after the selected ones while there is
  /// room, so they stay reachable both ways.
  private func connect<K: DistanceKernel>(
    _: K.Type, node: Int, level: Int, selected: UnsafePointer<Neighbor>, count: Int,
    scratch: SearchScratch
  ) {
    let capacity = maxLinks(level: level)
    let earlierLinks = scratch.linkCopy
    locks.lock(node)
    let own = list(node, level: level)
    let earlier = Int(own[0])
    earlierLinks.update(from: own + 1, count: earlier)
    var n = 0
    for i in 0..<count {
      own[1 + n] = selected[i].id
      n += 1
    }
    for i in 0..<earlier where n < capacity {
      let id = earlierLinks[i]
      var present = false
      for j in 0..<count where selected[j].id == id {
        present = true
        break
      }
      if !present {
        own[1 + n] = id
        n += 1
      }
    }
    own[0] = UInt32(n)
    locks.unlock(node)

    for i in 0..<count {
      addLink(
        K.self, from: Int(selected[i].id), to: node, distance: selected[i].distance,
        level: level, scratch: scratch)
    }
  }

  /// Adds the link `from → to` (at `distance`) on `level`. A full list is re-selected with the
  /// heuristic over its links plus the new one, so it keeps the most diverse `maxLinks` rather
  /// than dropping the newcomer or the farthest.
  private func addLink<K: DistanceKernel>(
    _: K.Type, from owner: Int, to node: Int, distance: Float, level: Int,
    scratch: SearchScratch
  ) {
    let capacity = maxLinks(level: level)
    locks.lock(owner)
    defer { locks.unlock(owner) }
    let list = self.list(owner, level: level)
    let n = Int(list[0])
    let newcomer = UInt32(node)
    for j in 0..<n where list[1 + j] == newcomer { return }
    if n < capacity {
      list[1 + n] = newcomer
      list[0] = UInt32(n + 1)
      return
    }
    // Distances from the owner to its links and the newcomer, sorted ascending (insertion sort:
    // at most 2m + 1 elements).
    let input = scratch.pruneInput
    let base = vector(owner)
    for j in 0..<n {
      let id = list[1 + j]
      input[j] = Neighbor(K.distance(base, vector(Int(id)), count: paddedDimension), id)
    }
    input[n] = Neighbor(distance, newcomer)
    for i in 1...n {
      let x = input[i]
      var j = i
      while j > 0 && Neighbor.ranksBefore(x, input[j - 1]) {
        input[j] = input[j - 1]
        j -= 1
      }
      input[j] = x
    }
    let kept = selectNeighbors(
      K.self, from: input, count: n + 1, limit: capacity, into: scratch.pruneOutput)
    for j in 0..<kept { list[1 + j] = scratch.pruneOutput[j].id }
    list[0] = UInt32(kept)
  }
}
