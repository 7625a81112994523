/// The working memory of one search or insert: visited marks, the two heaps, and small
/// per-expansion buffers.
///
/// Allocating these per search would cost more than a search at small `ef`, so each index keeps
/// a pool (``ScratchPool``) and a thread borrows one scratch for the duration of an operation.
/// The hot loops copy the struct fields (plain views over pointers) into locals and write them
/// back when done, so the class's properties are not touched (nor exclusivity-checked) per
/// candidate.
///
/// `@unchecked Sendable`: a scratch is used by one thread at a time, handed between threads only
/// through the pool's mutex.
final class SearchScratch: @unchecked Sendable {
  var visited: VisitedSet
  var candidates: CandidateHeap
  var results: ResultHeap
  /// A locked copy of one link list: count, then links (`1 + maxLinks0` words).
  let linkCopy: UnsafeMutablePointer<UInt32>
  /// The not-yet-visited neighbours of the node being expanded (`maxLinks0`).
  let fresh: UnsafeMutablePointer<UInt32>
  /// Their distances (`maxLinks0 + 1`, also used when pruning a full list plus one).
  let distances: UnsafeMutablePointer<Float>
  /// An insert's search results in ascending order, the input of neighbour selection.
  var ordered: NeighborList
  /// The neighbours selected for the node being inserted (`maxLinks0 + 1`).
  let selected: UnsafeMutablePointer<Neighbor>
  /// A full neighbour's links plus the new node, in ascending order, when it is pruned
  /// (`maxLinks0 + 1`).
  let pruneInput: UnsafeMutablePointer<Neighbor>
  /// The links pruning keeps (`maxLinks0 + 1`).
  let pruneOutput: UnsafeMutablePointer<Neighbor>
  /// The query, normalised for cosine and zero-padded like stored vectors.
  let query: UnsafeMutablePointer<Float>

  init(maxLinks0: Int, paddedDimension: Int, nodeCapacity: Int) {
    visited = VisitedSet(capacity: nodeCapacity)
    candidates = CandidateHeap(capacity: 256)
    results = ResultHeap(capacity: 256)
    ordered = NeighborList(capacity: 256)
    linkCopy = GrowableBuffer.allocate(maxLinks0 + 1, fill: 0)
    fresh = GrowableBuffer.allocate(maxLinks0 + 1, fill: 0)
    distances = GrowableBuffer.allocate(maxLinks0 + 1, fill: 0)
    selected = GrowableBuffer.allocate(maxLinks0 + 1, fill: Neighbor(0, 0))
    pruneInput = GrowableBuffer.allocate(maxLinks0 + 1, fill: Neighbor(0, 0))
    pruneOutput = GrowableBuffer.allocate(maxLinks0 + 1, fill: Neighbor(0, 0))
    query = GrowableBuffer.allocate(paddedDimension, fill: 0)
  }

  deinit {
    visited.free()
    candidates.free()
    results.free()
    ordered.free()
    GrowableBuffer.free(linkCopy)
    GrowableBuffer.free(fresh)
    GrowableBuffer.free(distances)
    GrowableBuffer.free(selected)
    GrowableBuffer.free(pruneInput)
    GrowableBuffer.free(pruneOutput)
    GrowableBuffer.free(query)
  }
}
