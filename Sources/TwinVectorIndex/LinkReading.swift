/// How a search reads link lists: directly (queries, which run while nothing writes) or as a
/// locked copy (inserts, which run while other inserts rewrite lists).
///
/// A type parameter rather than a flag, so each search loop is compiled for one case.
protocol LinkReading {
  /// `node`'s list on `level` (count, then links), possibly copied into `copy`
  /// (`1 + maxLinks0` words); valid until the next read into the same buffer.
  static func read(
    _ graph: GraphView, node: Int, level: Int, copy: UnsafeMutablePointer<UInt32>
  ) -> UnsafePointer<UInt32>
}

/// Reads lists in place: for searches under the index's read lock, when no list changes.
enum DirectLinks: LinkReading {
  @inline(__always)
  static func read(
    _ graph: GraphView, node: Int, level: Int, copy: UnsafeMutablePointer<UInt32>
  ) -> UnsafePointer<UInt32> {
    UnsafePointer(graph.list(node, level: level))
  }
}

/// Copies a list out under the node's lock: for the searches inside parallel inserts, which
/// must not see a list half rewritten by another insert.
enum LockedLinks: LinkReading {
  @inline(__always)
  static func read(
    _ graph: GraphView, node: Int, level: Int, copy: UnsafeMutablePointer<UInt32>
  ) -> UnsafePointer<UInt32> {
    graph.locks.lock(node)
    let list = graph.list(node, level: level)
    copy.update(from: list, count: 1 + Int(list[0]))
    graph.locks.unlock(node)
    return UnsafePointer(copy)
  }
}
