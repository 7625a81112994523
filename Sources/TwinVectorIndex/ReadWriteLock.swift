#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A readers–writer lock (`pthread_rwlock_t`) that prefers writers.
///
/// Searches hold the read side for their whole run, and `add` takes the write side once per small
/// group of inserts. glibc's default rwlock prefers readers, and a loop of back-to-back searches
/// then keeps a waiting writer out indefinitely; with writer preference a waiting writer blocks
/// new readers, waits for the running ones and gets in after at most one search's time.
///
/// The price of writer preference is that the read side is not re-entrant: a thread that
/// already holds it and asks again while a writer waits deadlocks. The index never nests, and
/// its documentation tells callers not to call back into an index from a search filter.
final class ReadWriteLock: @unchecked Sendable {
  private let lock: UnsafeMutablePointer<pthread_rwlock_t>

  init() {
    lock = .allocate(capacity: 1)
    var attributes = pthread_rwlockattr_t()
    pthread_rwlockattr_init(&attributes)
    #if canImport(Glibc)
      pthread_rwlockattr_setkind_np(
        &attributes, Int32(PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP))
    #endif
    let status = pthread_rwlock_init(lock, &attributes)
    pthread_rwlockattr_destroy(&attributes)
    precondition(status == 0, "pthread_rwlock_init failed (\(status))")
  }

  deinit {
    pthread_rwlock_destroy(lock)
    lock.deallocate()
  }

  /// Runs `body` holding the read side (shared with other readers).
  @inline(__always)
  func withReadLock<R>(_ body: () throws -> R) rethrows -> R {
    pthread_rwlock_rdlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return try body()
  }

  /// Runs `body` holding the write side (exclusive).
  @inline(__always)
  func withWriteLock<R>(_ body: () throws -> R) rethrows -> R {
    pthread_rwlock_wrlock(lock)
    defer { pthread_rwlock_unlock(lock) }
    return try body()
  }
}
