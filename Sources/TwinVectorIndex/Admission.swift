/// Which nodes a search may return. Every node is still traversed: a deleted or filtered-out
/// node can be the only path to the admitted ones.
///
/// A type parameter, so the common unfiltered search compiles without the checks.
protocol Admission {
  func admits(_ node: UInt32) -> Bool
}

/// Every node (inserts, and searches of an index without deletions or a filter).
struct AdmitAll: Admission {
  @inline(__always)
  func admits(_ node: UInt32) -> Bool { true }
}

/// Live nodes that pass the caller's filter, if any.
struct AdmitLiveFiltered: Admission {
  let deleted: UnsafeMutablePointer<Bool>
  let filter: ((Int) -> Bool)?

  @inline(__always)
  func admits(_ node: UInt32) -> Bool {
    if deleted[Int(node)] { return false }
    guard let filter else { return true }
    return filter(Int(node))
  }
}
