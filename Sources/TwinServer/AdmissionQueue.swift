import Foundation

/// Admits requests to the model: `concurrency` run at once, up to `capacity` more wait in
/// arrival order, and beyond that a request is turned away at once (the server answers 429
/// with `Retry-After`) instead of piling up behind a queue it would time out in.
actor AdmissionQueue {
  let concurrency: Int
  let capacity: Int
  private var running = 0
  private var waiting: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
  private var nextID: UInt64 = 0

  init(concurrency: Int, capacity: Int) {
    self.concurrency = max(1, concurrency)
    self.capacity = max(0, capacity)
  }

  struct Full: Error {}

  /// Waits for a turn; throws ``Full`` when the queue is full, `CancellationError` when the
  /// caller is cancelled (a disconnected client) while waiting.
  func enter() async throws {
    if running < concurrency {
      running += 1
      return
    }
    guard waiting.count < capacity else { throw Full() }
    nextID += 1
    let id = nextID
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        waiting.append((id, continuation))
      }
    } onCancel: {
      Task { await self.cancel(id) }
    }
  }

  private func cancel(_ id: UInt64) {
    guard let index = waiting.firstIndex(where: { $0.id == id }) else { return }
    waiting.remove(at: index).continuation.resume(throwing: CancellationError())
  }

  /// Ends a turn, handing it to the longest waiter.
  func leave() {
    if waiting.isEmpty {
      running -= 1
    } else {
      waiting.removeFirst().continuation.resume()
    }
  }

  var depth: (running: Int, waiting: Int) { (running, waiting.count) }
}
