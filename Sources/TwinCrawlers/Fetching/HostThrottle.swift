import TwinCore

/// Politeness per host: at most `concurrency` requests in flight to a host, and request starts
/// spaced at least `minimumDelay` apart.
///
/// Start times are reserved under the actor's lock, so concurrent requests to a host queue up
/// one delay apart instead of all waking at once.
actor HostThrottle {
  private let concurrency: Int
  private let minimumDelay: Duration
  private var semaphores: [String: PermitQueue] = [:]
  private var nextStart: [String: ContinuousClock.Instant] = [:]

  init(concurrency: Int, minimumDelay: Duration) {
    self.concurrency = concurrency
    self.minimumDelay = minimumDelay
  }

  /// Waits for a slot for `host`. Every successful call must be paired with ``release(_:)``.
  ///
  /// - Throws: `CancellationError` if the task is cancelled while waiting; no slot is held then.
  func acquire(_ host: String) async throws {
    let semaphore = semaphore(for: host)
    try await semaphore.acquire()
    let start = reserveStart(for: host)
    do {
      try await Task.sleep(until: start, clock: .continuous)
    } catch {
      await semaphore.release()
      throw error
    }
  }

  /// Gives back the slot taken by ``acquire(_:)``.
  func release(_ host: String) async {
    await semaphore(for: host).release()
  }

  private func semaphore(for host: String) -> PermitQueue {
    if let existing = semaphores[host] { return existing }
    let created = PermitQueue(permits: concurrency)
    semaphores[host] = created
    return created
  }

  /// The earliest allowed start for the next request to `host`, booked for the caller.
  private func reserveStart(for host: String) -> ContinuousClock.Instant {
    let now = ContinuousClock.now
    let start = max(now, nextStart[host] ?? now)
    nextStart[host] = start + minimumDelay
    return start
  }
}
