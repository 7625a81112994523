/// Runs async work against a wall clock: the one timeout helper every layer uses.
public enum Deadline {
  /// Runs `work`, cancelling it and throwing `timeout()` once `limit` has passed.
  ///
  /// The work is cancelled, not abandoned: callers rely on that to stop a generation or drop a
  /// connection. The call returns once the cancelled work has ended.
  public static func run<T: Sendable>(
    _ limit: Duration, timeout: @escaping @Sendable () -> any Error,
    _ work: @escaping @Sendable () async throws -> T
  ) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
      group.addTask { try await work() }
      group.addTask {
        try await Task.sleep(for: limit)
        throw timeout()
      }
      defer { group.cancelAll() }
      guard let first = try await group.next() else { throw CancellationError() }
      return first
    }
  }
}
