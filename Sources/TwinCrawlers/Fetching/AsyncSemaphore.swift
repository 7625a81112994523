/// A counting semaphore for async code: `acquire` suspends (without blocking a thread) until a
/// permit is free.
///
/// Waiters are served first come, first served. A waiter whose task is cancelled leaves the queue
/// and throws `CancellationError` without taking a permit; one that was already handed a permit
/// keeps it and must release it as usual.
actor AsyncSemaphore {
  private var permits: Int
  private var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
  private var nextWaiterID: UInt64 = 0

  /// A semaphore with `permits` permits (at least one).
  init(permits: Int) {
    self.permits = max(1, permits)
  }

  /// Takes a permit, waiting for one if none is free.
  ///
  /// - Throws: `CancellationError` if the task is cancelled before a permit is handed over.
  func acquire() async throws {
    try Task.checkCancellation()
    if permits > 0 {
      permits -= 1
      return
    }
    let id = nextWaiterID
    nextWaiterID += 1
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        // Runs on this actor before the first suspension, so a cancellation handler that
        // hops here afterwards always finds the waiter queued.
        waiters.append((id, continuation))
      }
    } onCancel: {
      Task { await self.cancelWaiter(id) }
    }
  }

  /// Returns a permit, handing it straight to the longest waiter if there is one.
  func release() {
    if waiters.isEmpty {
      permits += 1
    } else {
      waiters.removeFirst().continuation.resume()
    }
  }

  private func cancelWaiter(_ id: UInt64) {
    guard let index = waiters.firstIndex(where: { $0.id == id }) else { return }
    waiters.remove(at: index).continuation.resume(throwing: CancellationError())
  }
}
