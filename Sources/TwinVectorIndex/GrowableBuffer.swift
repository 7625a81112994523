#if canImport(Glibc)
  import Glibc
#endif

/// Raw, cache-line-aligned arrays that the graph grows by reallocation.
///
/// The graph's per-node arrays are plain pointers rather than Swift arrays so the search loops
/// index them without bounds checks, copy-on-write checks or exclusivity checks. They are
/// reallocated only while the index holds its write lock, when no reader or inserter can be
/// holding an old pointer.
enum GrowableBuffer {
  /// A new buffer of `capacity` elements, all set to `fill`.
  static func allocate<T: BitwiseCopyable>(_ capacity: Int, fill: T) -> UnsafeMutablePointer<T> {
    let byteCount = max(capacity, 1) * MemoryLayout<T>.stride
    let huge = byteCount >= hugeThreshold
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: byteCount, alignment: huge ? hugePageSize : 64)
    if huge { adviseHugePages(raw, byteCount: byteCount) }
    let p = raw.bindMemory(to: T.self, capacity: max(capacity, 1))
    p.initialize(repeating: fill, count: max(capacity, 1))
    return p
  }

  /// Transparent huge pages (2 MiB) on x86-64 Linux.
  static let hugePageSize = 2 << 20
  /// Buffers from this size up are backed by huge pages where the system allows it.
  static let hugeThreshold = 4 << 20

  /// Asks the kernel to back `byteCount` bytes at `p` (2 MiB-aligned, not yet touched) with
  /// transparent huge pages.
  ///
  /// A search touches vectors at random across the whole buffer (150 MB for 100k × 384), so with
  /// 4 KiB pages nearly every vector costs a TLB miss and a page walk on top of its cache
  /// misses; 2 MiB pages make the buffer's translations fit the TLB. Systems whose THP policy is
  /// "madvise" (common) only do this on request; where it is unavailable the call fails
  /// harmlessly and the buffer uses normal pages.
  static func adviseHugePages(_ p: UnsafeMutableRawPointer, byteCount: Int) {
    #if os(Linux)
      if Prefetcher.huge {
      _ = madvise(p, byteCount, MADV_HUGEPAGE)
      }
    #endif
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
