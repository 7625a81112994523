import Foundation
import TwinCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Shows progress on standard error: a rewritten status line on a terminal, nothing otherwise.
/// Notes (failures, warnings) are printed as lines either way.
final class TerminalProgress: ProgressReporter, @unchecked Sendable {
  // @unchecked: all mutable state is guarded by `lock`.
  private let lock = NSLock()
  private let interactive = isatty(STDERR_FILENO) == 1
  private var lineShown = false

  func update(task: String, completed: Int, total: Int, detail: String) {
    guard interactive else { return }
    let width = 100
    var line = "\(task) [\(completed)/\(total)] \(detail)"
    if line.count > width { line = String(line.prefix(width - 1)) + "…" }
    lock.withLock {
      Stderr.write("\r\u{1B}[2K" + line)
      lineShown = true
    }
  }

  func note(_ message: String) {
    lock.withLock {
      if lineShown { Stderr.write("\r\u{1B}[2K") }
      lineShown = false
      Stderr.write(message + "\n")
    }
  }

  /// Clears the status line before the command prints its result.
  func finish() {
    lock.withLock {
      if lineShown { Stderr.write("\r\u{1B}[2K") }
      lineShown = false
    }
  }
}

enum Stderr {
  static func write(_ text: String) {
    FileHandle.standardError.write(Data(text.utf8))
  }
}
