import Foundation
import TwinCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Identifies a live process well enough to tell, later, whether it is still running.
///
/// A pid alone is not enough because pids are reused; on Linux the process start time from
/// `/proc/<pid>/stat` disambiguates. A run whose owner is gone can never finish, so the run store
/// marks it interrupted instead of leaving it "running" forever.
public struct ProcessIdentity: Sendable, Codable, Hashable {
  public var pid: Int32
  /// Start time in clock ticks since boot (Linux), or 0 where unknown.
  public var startTicks: UInt64
  public var hostname: String

  public init(pid: Int32, startTicks: UInt64, hostname: String) {
    self.pid = pid
    self.startTicks = startTicks
    self.hostname = hostname
  }

  /// This process.
  public static var current: ProcessIdentity {
    let pid = getpid()
    return ProcessIdentity(
      pid: pid, startTicks: startTicks(of: pid) ?? 0, hostname: ProcessInfo.processInfo.hostName)
  }

  /// Whether the process is still alive. Processes on another host are assumed alive: we cannot
  /// tell, and wrongly failing someone else's live run is worse than waiting for it.
  public var isAlive: Bool {
    guard hostname == ProcessInfo.processInfo.hostName else { return true }
    if kill(pid, 0) != 0 && errno == ESRCH { return false }
    guard startTicks != 0, let now = ProcessIdentity.startTicks(of: pid) else {
      return kill(pid, 0) == 0 || errno == EPERM
    }
    return now == startTicks
  }

  /// The process start time (field 22 of `/proc/<pid>/stat`).
  static func startTicks(of pid: Int32) -> UInt64? {
    ProcessStat.read(pid: pid)?.startTicks
  }
}
