/// Software prefetch: asks the core to start loading a cache line that will be needed soon.
///
/// A search is memory-bound: each candidate's vector (1.5 KB at 384 dimensions) sits at a random
/// address, usually out of cache, and the distance kernel otherwise stalls on it. Issuing the
/// loads for the next candidates while the current distance is computed overlaps those misses,
/// as hnswlib does with `_mm_prefetch`.
///
/// Swift exposes no prefetch, and clang's `_mm_prefetch` is a macro the importer cannot bring
/// in, so this binds LLVM's `llvm.prefetch` intrinsic by its symbol name; the compiler lowers the
/// call to a single `prefetcht0` (x86) or `prfm` (Arm) instruction. The arguments must be
/// compile-time constants (LLVM requires it), hence the fixed wrapper below.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(
  _ address: UnsafeRawPointer, _ write: Int32, _ locality: Int32, _ dataCache: Int32)

/// Prefetches the cache line holding `address` into all cache levels, for reading. A hint only:
/// it never faults, whatever the address.
@inline(__always)
func prefetch(_ address: UnsafeRawPointer) {
  llvmPrefetch(address, 0, 3, 1)
}
