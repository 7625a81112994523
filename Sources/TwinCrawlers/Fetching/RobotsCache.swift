/// robots.txt rules per origin, fetched once and shared by every fetch to that origin.
///
/// Concurrent first fetches to one origin wait on the same download instead of each starting
/// their own. A download that fails outright (the site cannot be reached) is not cached, so the
/// next fetch tries again.
actor RobotsCache {
  private var entries: [String: Task<RobotsRules, any Error>] = [:]

  /// The rules for `origin`, downloading them with `load` the first time.
  func rules(
    for origin: String, load: @escaping @Sendable () async throws -> RobotsRules
  ) async throws -> RobotsRules {
    let task: Task<RobotsRules, any Error>
    if let existing = entries[origin] {
      task = existing
    } else {
      task = Task { try await load() }
      entries[origin] = task
    }
    do {
      return try await task.value
    } catch {
      // Only forget this download: another may have replaced it since.
      if entries[origin] == task { entries[origin] = nil }
      throw error
    }
  }
}
