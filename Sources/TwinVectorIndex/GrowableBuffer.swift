/// Raw, cache-line-aligned arrays that the graph grows by reallocation.
///
/// The graph's per-node arrays are plain pointers rather than Swift arrays so the search loops
/// index them without bounds checks, copy-on-write checks or exclusivity checks. They are
/// reallocated only while the index holds its write lock, when no reader or inserter can be
/// holding an old pointer.
enum GrowableBuffer {
  /// A new buffer of `capacity` elements, all set to `fill`.
  static func allocate<T: BitwiseCopyable>(_ capacity: Int, fill: T) -> UnsafeMutablePointer<T> {
    let p = UnsafeMutableRawPointer.allocate(
      byteCount: max(capacity, 1) * MemoryLayout<T>.stride, alignment: 64
    ).bindMemory(to: T.self, capacity: max(capacity, 1))
    p.initialize(repeating: fill, count: max(capacity, 1))
    return p
  }

  /// `old`'s first `count` elements moved into a new buffer of `capacity` elements, the rest set
  /// to `fill`; `old` is freed.
  static func grow<T: BitwiseCopyable>(
    _ old: UnsafeMutablePointer<T>, count: Int, to capacity: Int, fill: T
  ) -> UnsafeMutablePointer<T> {
    precondition(capacity >= count, "cannot shrink a buffer below its contents")
    let p = allocate(capacity, fill: fill)
    p.update(from: old, count: count)
    free(old)
    return p
  }

  /// Frees a buffer from ``allocate(_:fill:)`` (its elements are trivial: nothing to deinitialise).
  static func free<T: BitwiseCopyable>(_ p: UnsafeMutablePointer<T>) {
    UnsafeMutableRawPointer(p).deallocate()
  }

  /// The capacity to grow to for `needed` elements: at least double the current one, so a long
  /// series of small adds copies each element O(1) times on average.
  static func nextCapacity(current: Int, needed: Int) -> Int {
    max(needed, current * 2, 64)
  }
}
