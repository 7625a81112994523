/// Permits for async work, handed out first come, first served: `permits` holders at once, and
/// up to `capacity` waiters behind them (unbounded when nil). Waiting suspends without blocking a
/// thread.
///
/// The crawler bounds its connections with it (unbounded waiting); the servers admit requests
/// with it, where a full queue means "answer 429 now" rather than piling up behind requests
/// that would time out.
public actor PermitQueue {
  /// Permits handed out at most at once.
  public let permits: Int
  /// Waiters allowed beyond them; nil for no limit.
  public let capacity: Int?
  private var held = 0
  private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
  private var nextID: UInt64 = 0

  /// Thrown by ``acquire()`` when `capacity` waiters already wait.
  public struct Full: Error, Sendable {}

  public init(permits: Int, capacity: Int? = nil) {
    self.permits = max(1, permits)
    self.capacity = capacity.map { max(0, $0) }
  }

  /// Takes a permit, waiting for one if none is free.
  ///
  /// - Throws: ``Full`` when the waiting line is full, `CancellationError` when the task is
  ///   cancelled before a permit is handed over (a cancelled waiter leaves the line; one already
  ///   handed a permit keeps it and must release it as usual).
  public func acquire() async throws {
    try Task.checkCancellation()
    if held < permits {
      held += 1
      return
    }
    if let capacity, waiters.count >= capacity { throw Full() }
    let id = nextID
    nextID += 1
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        // Runs on this actor before the first suspension, so a cancellation handler that hops
        // here afterwards always finds the waiter queued.
        waiters.append((id, continuation))
      }
    } onCancel: {
      Task { await self.cancelWaiter(id) }
    }
  }

  /// Returns a permit, handing it straight to the longest waiter if there is one.
  public func release() {
    if waiters.isEmpty {
      held -= 1
    } else {
      waiters.removeFirst().continuation.resume()
    }
  }

  /// Permits held and waiters waiting.
  public var depth: (held: Int, waiting: Int) { (held, waiters.count) }

  private func cancelWaiter(_ id: UInt64) {
    guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
    waiters.remove(at: index).continuation.resume(throwing: CancellationError())
  }
}
