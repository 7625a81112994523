/// Brute-force k-nearest neighbours: the recall oracle, and the right tool for small collections
/// or a short list of candidate slots.
extension GraphView {
  /// The `k` nearest live slots to the (prepared) query in `scratch.query` that pass `filter`,
  /// nearest first (ties by slot), over all slots or only `among` (duplicates counted once; each
  /// must be a valid slot).
  ///
  /// Distances come first and the filter is asked only about slots that would enter the top
  /// `k`, so an expensive filter is called far fewer times than there are slots.
  func exactNearest<K: DistanceKernel>(
    _: K.Type, k: Int, among: [Int]?, filter: ((Int) -> Bool)?, scratch: SearchScratch
  ) -> [VectorHit] {
    guard k > 0 else { return [] }
    let query = UnsafePointer(scratch.query)
    var results = scratch.results
    defer { scratch.results = results }
    results.removeAll()

    @inline(__always)
    func consider(_ slot: Int) {
      if deleted[slot] { return }
      let candidate = Neighbor(
        K.distance(query, vector(slot), count: paddedDimension), UInt32(truncatingIfNeeded: slot))
      if results.count < k {
        if filter?(slot) ?? true { results.push(candidate) }
      } else if Neighbor.ranksBefore(candidate, results.top), filter?(slot) ?? true {
        results.replaceTop(candidate)
      }
    }

    if let among {
      var visited = scratch.visited
      defer { scratch.visited = visited }
      visited.clear()
      for slot in among {
        precondition(slot >= 0 && slot < count, "slot \(slot) is not in the index (0..<\(count))")
        if visited.insert(slot) { consider(slot) }
      }
    } else {
      for slot in 0..<count { consider(slot) }
    }
    return Self.drain(&results, keeping: k)
  }
}
