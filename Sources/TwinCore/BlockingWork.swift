import Dispatch

/// Runs synchronous, long-running work (model forward passes, graph building, waiting on a
/// lock or a child process) away from Swift's cooperative thread pool.
///
/// The cooperative pool has one thread per core. An `async` function that computes for seconds
/// without suspending holds one of those threads for all that time; on a 2-core machine two such
/// calls stall every other task in the process, including HTTP handlers, timers and timeouts.
/// Work passed here runs on a Dispatch queue instead, and the calling task suspends until it is
/// done, so the pool stays free to serve.
public enum BlockingWork {
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
}
