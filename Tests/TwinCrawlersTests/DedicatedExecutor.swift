import Dispatch

/// A task executor with a thread of its own, for tests whose fixtures must answer within a
/// deadline under test.
///
/// The whole suite starts at once, and for its first minutes the cooperative pool (a thread per
/// core) has hundreds of tests queued, many computing for seconds. A task resuming there waits
/// its turn behind them, so a fixture server's answer can arrive after a deadline even when
/// nothing is wrong. Tasks that prefer this executor (`withTaskExecutorPreference`, and the child
/// tasks they start, a fixture server's among them) run here instead, in order, on a thread of
/// Dispatch's overcommitting pool, which the cooperative pool's queue does not hold up.
final class DedicatedExecutor: TaskExecutor {
  private let queue: DispatchQueue

  init(label: String) {
    queue = DispatchQueue(label: label)
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
  }
}
