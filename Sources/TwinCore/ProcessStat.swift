import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A process's line of `/proc/<pid>/stat` (Linux): its CPU time, start time and memory. The
/// one reader of that file, for run ownership, server metrics and training's system metrics.
public struct ProcessStat: Sendable, Hashable {
  /// User plus system CPU time, in seconds.
  public var cpuSeconds: Double
  /// When the process started, in clock ticks since boot.
  public var startTicks: UInt64
  /// Resident memory, in bytes.
  public var residentBytes: Double
  /// Virtual memory, in bytes.
  public var virtualBytes: Double

  /// The stat of `pid` (this process by default); nil where `/proc` is missing.
  public static func read(pid: Int32? = nil) -> ProcessStat? {
    let path = pid.map { "/proc/\($0)/stat" } ?? "/proc/self/stat"
    guard let stat = try? String(contentsOfFile: path, encoding: .utf8), let close = stat.lastIndex(of: ")") else {
      return nil
    }
    // The command name (field 2) may hold spaces and parentheses, so fields are counted from
    // after its last ')', where field 3 (state) is index 0.
    let fields = stat[stat.index(after: close)...].split(separator: " ")
    guard fields.count > 21 else { return nil }
    func field(_ number: Int) -> Double { Double(fields[number - 3]) ?? 0 }
    let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
    return ProcessStat(
      cpuSeconds: (field(14) + field(15)) / ticks, startTicks: UInt64(fields[22 - 3]) ?? 0,
      residentBytes: field(24) * Double(sysconf(Int32(_SC_PAGESIZE))), virtualBytes: field(23))
  }

  /// Clock ticks per second (`start` fields are in ticks).
  public static var ticksPerSecond: Double { Double(sysconf(Int32(_SC_CLK_TCK))) }
}
