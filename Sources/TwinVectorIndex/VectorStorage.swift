/// The vectors of an index in one contiguous buffer, slot after slot.
///
/// Each vector is zero-padded to a multiple of 16 floats (64 bytes), so with the 64-byte-aligned
/// base every vector starts on a cache line and the distance kernels never handle a ragged tail.
/// One buffer rather than an array per vector keeps the search loop to one multiply-add of
/// address arithmetic and no reference counting.
///
/// Not thread-safe by itself: ``reserve(_:)`` moves the buffer, so the index calls it only while
/// holding its write lock; slots are written before they become reachable in the graph and are
/// never modified afterwards.
final class VectorStorage {
  /// Components per vector.
  let dimension: Int
  /// Floats per stored vector: `dimension` rounded up to a multiple of 16.
  let paddedDimension: Int
  /// Slots the buffer can hold without moving.
  private(set) var capacity = 0
  /// The first vector.
  private(set) var base: UnsafeMutablePointer<Float>

  init(dimension: Int) {
    self.dimension = dimension
    paddedDimension = (dimension + 15) / 16 * 16
    base = GrowableBuffer.allocate(0, fill: 0)
  }

  deinit { GrowableBuffer.free(base) }

  /// Makes room for `slots` vectors, keeping the first `used` of them.
  func reserve(_ slots: Int, used: Int) {
    guard slots > capacity else { return }
    let newCapacity = GrowableBuffer.nextCapacity(current: capacity, needed: slots)
    base = GrowableBuffer.grow(
      base, count: used * paddedDimension, to: newCapacity * paddedDimension, fill: 0)
    capacity = newCapacity
  }

  /// The stored (padded) vector of `slot`.
  @inline(__always)
  func pointer(_ slot: Int) -> UnsafeMutablePointer<Float> {
    base + slot * paddedDimension
  }
}
