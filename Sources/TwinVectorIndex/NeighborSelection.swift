/// The neighbour-selection heuristic of HNSW (Malkov & Yashunin, algorithm 4, without extending
/// the candidates or keeping pruned ones).
extension GraphView {
  /// Picks up to `limit` of the `count` candidates (ascending by distance to the base node) into
  /// `selected`, returning how many.
  ///
  /// A candidate is kept only if it is nearer to the base than to every candidate already kept.
  /// Plain nearest-`limit` selection clusters the links inside one dense region; the heuristic
  /// spreads them across directions, which keeps the graph navigable between clusters. As in
  /// hnswlib, with fewer than `limit` candidates all are kept.
  @inline(__always)
  func selectNeighbors<K: DistanceKernel>(
    _: K.Type, from candidates: UnsafePointer<Neighbor>, count: Int, limit: Int,
    into selected: UnsafeMutablePointer<Neighbor>
  ) -> Int {
    if count < limit {
      selected.update(from: candidates, count: count)
      return count
    }
    var kept = 0
    for i in 0..<count {
      if kept >= limit { break }
      let candidate = candidates[i]
      let v = vector(Int(candidate.id))
      var diverse = true
      for j in 0..<kept
      where K.distance(v, vector(Int(selected[j].id)), count: paddedDimension) < candidate.distance
      {
        diverse = false
        break
      }
      if diverse {
        selected[kept] = candidate
        kept += 1
      }
    }
    return kept
  }
}
