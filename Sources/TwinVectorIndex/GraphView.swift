/// The graph's buffers as one value of `let` pointers, which the search and insert loops read.
///
/// Reading the owning classes' properties in a hot loop would cost a reference load and an
/// exclusivity check per access; a struct of constants captured once per operation costs
/// neither. A view is valid while the buffers do not move: for the duration of one locked
/// operation.
struct GraphView {
  let vectors: UnsafeMutablePointer<Float>
  let paddedDimension: Int
  let level0: UnsafeMutablePointer<UInt32>
  let level0Stride: Int
  let upper: UnsafeMutablePointer<UnsafeMutablePointer<UInt32>?>
  let upperStride: Int
  let levels: UnsafeMutablePointer<UInt8>
  let maxLinks0: Int
  let maxLinks: Int
  let deleted: UnsafeMutablePointer<Bool>
  let deletedCount: Int
  /// Slots in use when the view was taken.
  let count: Int
  let locks: NodeLockTable

  /// The stored vector of `node`.
  @inline(__always)
  func vector(_ node: Int) -> UnsafeMutablePointer<Float> {
    vectors + node * paddedDimension
  }

  /// The distance under `K` between the stored vectors of two nodes.
  @inline(__always)
  func distance<K: DistanceKernel>(_: K.Type, _ a: Int, _ b: Int) -> Float {
    K.distance(vector(a), vector(b), count: paddedDimension)
  }

  /// `node`'s list on `level`: the count, then the links.
  @inline(__always)
  func list(_ node: Int, level: Int) -> UnsafeMutablePointer<UInt32> {
    level == 0
      ? level0 + node * level0Stride
      : upper[node].unsafelyUnwrapped + (level - 1) * upperStride
  }

  /// The most links a list on `level` holds.
  @inline(__always)
  func maxLinks(level: Int) -> Int { level == 0 ? maxLinks0 : maxLinks }

  /// The top level of `node`.
  @inline(__always)
  func level(_ node: Int) -> Int { Int(levels[node]) }
}
