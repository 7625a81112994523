/// Receives progress of long work so a terminal can show it; pipelines never print.
public protocol ProgressReporter: Sendable {
  /// `completed` of `total` units of `task` are done; `detail` says which one is current.
  func update(task: String, completed: Int, total: Int, detail: String)
  /// A line worth keeping in the output (a warning, a failed link).
  func note(_ message: String)
}

/// Discards progress: the default for tests and non-interactive runs.
public struct SilentProgress: ProgressReporter {
  public init() {}
  public func update(task: String, completed: Int, total: Int, detail: String) {}
  public func note(_ message: String) {}
}
