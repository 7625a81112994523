import Foundation

/// A benchmark's peer: a Python script that measures the other implementation on the same input
/// and prints its figures as one JSON line, last on standard output.
public enum PeerScript {
  /// How a peer run ended.
  public struct Outcome: Sendable {
    /// The exit status (-1 when the script could not be started).
    public var status: Int32
    /// The last line of standard output, when the script exited with 0 and printed one.
    public var lastLine: Data?
  }

  /// Runs `python script arguments…` through `/usr/bin/env` (so `python` may be a bare name);
  /// the script's errors go to this process's standard error.
  public static func run(python: String, script: URL, arguments: [String]) -> Outcome {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [python, script.path] + arguments
    let out = Pipe()
    process.standardOutput = out
    do { try process.run() } catch { return Outcome(status: -1, lastLine: nil) }
    let data = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last
    return Outcome(
      status: process.terminationStatus,
      lastLine: process.terminationStatus == 0 ? line.map { Data($0.utf8) } : nil)
  }
}
