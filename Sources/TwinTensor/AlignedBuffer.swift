/// Heap storage for `Float`s aligned to a 64-byte cache line.
///
/// Kernels read it with unaligned SIMD loads anyway; the alignment keeps every 32-byte vector
/// load inside one cache line (a split load costs about twice as much) and keeps packed panels
/// from sharing lines. The buffer is immutable after its owner finishes initialising it, which
/// is what makes the `@unchecked Sendable` sound.
final class AlignedBuffer: @unchecked Sendable {
  /// Number of floats.
  let count: Int
  /// The first float; valid for `count` elements (at least one allocation byte even when empty).
  let base: UnsafeMutablePointer<Float>

  /// Allocates `count` floats set to zero (zero padding is what edge panels rely on).
  init(count: Int) {
    precondition(count >= 0, "negative buffer size")
    self.count = count
    let raw = UnsafeMutableRawPointer.allocate(
      byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
    base = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    base.initialize(repeating: 0, count: max(count, 1))
  }

  deinit {
    UnsafeMutableRawPointer(base).deallocate()
  }
}
