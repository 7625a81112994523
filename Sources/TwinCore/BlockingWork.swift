import Dispatch

/// Runs synchronous, long-running work away from Swift's cooperative thread pool: computing
/// (model forward passes, graph building) with ``run(_:)``, waiting on something outside the
/// process (a child process, a pipe, the system resolver) with ``wait(_:)``.
///
/// The cooperative pool has one thread per core. An `async` function that computes or blocks for
/// seconds without suspending holds one of those threads for all that time; on a 2-core machine
/// two such calls stall every other task in the process, including HTTP handlers, timers and
/// timeouts. Work passed here runs on other threads, and the calling task suspends until it is
/// done, so the pool stays free to serve.
///
/// `DispatchQueue.global()` is *not* such a place on Linux. Its threads, those of any concurrent
/// queue at the default QoS, and the cooperative pool's share one budget of a thread per core:
/// work computing there stalls default-priority tasks just the same, and a thread blocked there
/// is made up for only once Dispatch notices it, seconds later.
public enum BlockingWork {
  /// Computing work: a thread per core at the user-initiated QoS, whose Dispatch threads are not
  /// the ones default-priority tasks run on.
  private static let queue = DispatchQueue(
    label: "twin.blocking-work", qos: .userInitiated, attributes: .concurrent)

  /// Runs `work` on the blocking-work queue and returns (or throws) what it does.
  ///
  /// Cancellation is not forwarded into `work`; callers that loop should run one step per call
  /// and check `Task.checkCancellation()` between steps.
  public static func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
      queue.async { continuation.resume(with: Result { try work() }) }
    }
  }

  /// Waits, on a thread of its own, for what `wait` waits on, and returns what it returns.
  ///
  /// A wait takes no CPU and may last minutes, so it gets a thread rather than one of
  /// ``run(_:)``'s, one per core: waits never queue behind each other or behind computation.
  public static func wait<T: Sendable>(_ wait: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
      // A serial queue of its own targets Dispatch's overcommitting pool, which starts a thread
      // whenever none is free.
      DispatchQueue(label: "twin.blocking-wait").async { continuation.resume(returning: wait()) }
    }
  }
}
