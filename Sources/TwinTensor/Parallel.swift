/// Splits loops over the machine's cores.
///
/// Kernels call ``forRange(_:minChunk:_:)`` thousands of times per second, so it runs on a
/// small persistent pool (``threadCount`` − 1 workers plus the calling thread) rather than
/// creating threads per call. Workers spin briefly between jobs and then sleep, so a hot
/// sequence of kernels pays about a microsecond per call and an idle process costs nothing.
///
/// The call is synchronous and the calling thread does a share of the work, so it is safe from
/// async code: it never waits on Swift concurrency's cooperative pool. Only one parallel loop
/// runs at a time; a call made while the pool is busy — a nested call from inside a `body`, or a
/// call from another thread — runs serially on its own thread instead of waiting, which keeps
/// nesting deadlock-free and the cores from being oversubscribed.
public enum Parallel {
  /// Threads used by parallel loops, including the caller (at least 1).
  ///
  /// Defaults to the `TWIN_THREADS` environment variable when it holds a positive integer,
  /// otherwise to the number of active processors. Setting it takes effect on the next call;
  /// set it to 1 for fully serial, deterministic-order execution.
  public static var threadCount: Int {
    get { ThreadPool.shared.threadCount }
    set { ThreadPool.shared.threadCount = newValue }
  }

  /// Runs `body` over `0..<count` split into contiguous, disjoint ranges, in parallel.
  ///
  /// Every index is covered exactly once. Each range holds at least `minChunk` indices (except
  /// when `count` itself is smaller), so pass a `minChunk` large enough that one range is worth
  /// tens of microseconds of work; below that the loop runs serially on the caller. To balance
  /// load when a core is shared with other processes, the work is cut into up to a few ranges
  /// per thread, claimed dynamically.
  ///
  /// - Parameters:
  ///   - count: The number of indices; nothing runs when it is 0 or negative.
  ///   - minChunk: The smallest range worth handing to a thread (values below 1 count as 1).
  ///   - rangesPerThread: How many ranges per thread at most (by default a few).
  ///     More ranges even out the finish, where one thread waits for the other's last range;
  ///     pass more for loops whose ranges cost nothing to start.
  ///   - body: Called once per range, possibly concurrently from several threads; it must only
  ///     write state that belongs to its range.
  public static func forRange(
    _ count: Int, minChunk: Int = 1, rangesPerThread: Int? = nil, _ body: (Range<Int>) -> Void
  ) {
    guard count > 0 else { return }
    let threads = threadCount
    let maxChunks = count / max(minChunk, 1)
    let chunks = min(maxChunks, threads * max(rangesPerThread ?? chunksPerThread, 1))
    guard threads > 1, chunks > 1, !serialOnly else {
      body(0..<count)
      return
    }
    ThreadPool.shared.run(count: count, chunks: chunks, threads: threads, body)
  }

  /// Runs `body` with every ``forRange(_:minChunk:_:)`` inside it (on this thread, or in tasks
  /// it starts) executing serially on the calling thread.
  ///
  /// Use it when the caller already parallelises at a coarser grain — say, one task per
  /// sequence — or to get a single-threaded reference result. Kernel results do not depend on
  /// the thread count, only their speed does.
  public static func serially<R>(_ body: () throws -> R) rethrows -> R {
    try $serialOnly.withValue(true) { try body() }
  }

  /// Set by ``serially(_:)``; task-local, so it also covers synchronous code on plain threads.
  @TaskLocal static var serialOnly = false

  /// Ranges per thread when there is enough work: a few, so that a thread slowed by another
  /// process hands its unclaimed ranges to the others, but few enough that per-range overheads
  /// (re-streaming a GEMM's weight panels, say) stay small.
  static let chunksPerThread = 3
}
