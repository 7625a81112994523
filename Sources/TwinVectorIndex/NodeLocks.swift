import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// One spinlock per graph node, guarding its link lists while inserts run in parallel.
///
/// Inserts hold a node's lock briefly (to copy its list out, append a link, or prune a full
/// list), and with a few threads over thousands of nodes two threads rarely want the same node,
/// so a one-byte spinlock beats a 40-byte `pthread_mutex_t`. A waiter yields the core after a
/// short spin, so a holder descheduled on a busy machine is not starved by its waiters. No code
/// holds two node locks at once, so there is no lock order to keep.
///
/// This class owns the memory; the insert loops use its ``table``, a plain view. ``reserve(_:)``
/// reallocates, so it runs only while no insert is running (under the index's write lock).
final class NodeLocks {
  private(set) var table: NodeLockTable
  private(set) var capacity = 0

  init() {
    table = NodeLockTable(words: NodeLockTable.allocate(0))
  }

  deinit { NodeLockTable.free(table.words, capacity) }

  /// Makes room for `nodes` locks. None may be held.
  func reserve(_ nodes: Int) {
    guard nodes > capacity else { return }
    let newCapacity = GrowableBuffer.nextCapacity(current: capacity, needed: nodes)
    NodeLockTable.free(table.words, capacity)
    table = NodeLockTable(words: NodeLockTable.allocate(newCapacity))
    capacity = newCapacity
  }
}

/// The lock words of ``NodeLocks``: 0 free, 1 held.
struct NodeLockTable {
  let words: UnsafeMutablePointer<Atomic<UInt8>>

  @inline(__always)
  func lock(_ node: Int) {
    if words[node].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
      return
    }
    lockSlowly(node)
  }

  @inline(__always)
  func unlock(_ node: Int) {
    words[node].store(0, ordering: .releasing)
  }

  /// Spins on a plain load (failed exchanges would bounce the cache line between cores),
  /// yielding the core after a while.
  @inline(never)
  private func lockSlowly(_ node: Int) {
    var spins = 0
    while true {
      while words[node].load(ordering: .relaxed) != 0 {
        spins += 1
        if spins > 100 { sched_yield() }
      }
      if words[node].compareExchange(expected: 0, desired: 1, ordering: .acquiring).exchanged {
        return
      }
    }
  }

  static func allocate(_ count: Int) -> UnsafeMutablePointer<Atomic<UInt8>> {
    let p = UnsafeMutablePointer<Atomic<UInt8>>.allocate(capacity: max(count, 1))
    for i in 0..<max(count, 1) { (p + i).initialize(to: Atomic(0)) }
    return p
  }

  static func free(_ p: UnsafeMutablePointer<Atomic<UInt8>>, _ count: Int) {
    p.deinitialize(count: max(count, 1))
    p.deallocate()
  }
}
