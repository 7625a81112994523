import Foundation
import TwinCore

/// Runs the built `twin` executable, as a user would.
struct TwinProcess {
  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// The `twin` binary next to the test bundle (same build configuration).
  static var executable: URL {
    let bundleDir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
    let candidate = bundleDir.appendingPathComponent("twin")
    if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
    // Fallback: search the package's build folders.
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    for config in ["release", "debug"] {
      let url = root.appendingPathComponent(".build/\(config)/twin")
      if FileManager.default.isExecutableFile(atPath: url.path) { return url }
    }
    return candidate
  }

  var workspace: URL
  var directory: URL

  init() throws {
    directory = FileManager.default.temporaryDirectory.appendingPathComponent("twin-cli-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    workspace = directory.appendingPathComponent("ws")
  }

  /// - Parameter input: What the child reads on its standard input (nothing by default).
  func launch(
    _ arguments: [String], environment extra: [String: String] = [:], wrapper: [String] = [], input: String? = nil
  ) throws -> (Process, Pipe, Pipe) {
    let process = Process()
    if wrapper.isEmpty {
      process.executableURL = Self.executable
      process.arguments = arguments
    } else {
      process.executableURL = URL(fileURLWithPath: wrapper[0])
      process.arguments = Array(wrapper.dropFirst()) + [Self.executable.path] + arguments
    }
    process.currentDirectoryURL = directory
    // The caller's Twin settings must not leak into the test, except where models are cached.
    var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TWIN_") || $0.key == "TWIN_MODELS" }
    env["TWIN_HOME"] = workspace.path
    // Qwen (1.5B), the default dataset teacher when pulled, would make every quickstart in the
    // suite several times slower; DatasetsCLITests checks the default on its own.
    env["TWIN_DATASETS_TEACHER"] = "smollm2-135m-instruct"
    env.merge(extra) { $1 }
    process.environment = env
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    let stdin = input.map { _ in Pipe() }
    process.standardInput = stdin ?? FileHandle.nullDevice
    try process.run()
    if let stdin, let input {
      // Small inputs only: the pipe's buffer takes them without a reader. The throwing write,
      // so a child that exits before reading fails its test instead of crashing the run.
      try stdin.fileHandleForWriting.write(contentsOf: Data(input.utf8))
      try stdin.fileHandleForWriting.close()
    }
    return (process, out, err)
  }

  /// Runs `twin` with `arguments` to completion.
  ///
  /// The child is waited for with ``BlockingWork/wait(_:)``, never on the cooperative pool: a
  /// test that blocked a pool thread for the tens of seconds a `twin features` run takes would
  /// stall every other test's in-process servers and timeouts on a 2-core machine.
  @discardableResult
  func run(
    _ arguments: [String], environment: [String: String] = [:], wrapper: [String] = [], input: String? = nil
  ) async throws -> Result {
    let (process, out, err) = try launch(arguments, environment: environment, wrapper: wrapper, input: input)
    // Both pipes are drained at once so a child filling one cannot block on it.
    async let stderr = BlockingWork.wait { err.fileHandleForReading.readDataToEndOfFile() }
    let stdout = await BlockingWork.wait { out.fileHandleForReading.readDataToEndOfFile() }
    await Self.waitForExit(process)
    return Result(
      status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self),
      stderr: String(decoding: await stderr, as: UTF8.self))
  }

  /// Runs `twin` with `arguments` where the workspace is a read-only mount: in a private mount
  /// namespace (`unshare -m`), the workspace is bound onto itself read-only first.
  func runOnReadOnlyWorkspace(_ arguments: [String]) async throws -> Result {
    let path = workspace.path
    let script = "mount --bind \"$1\" \"$1\" && mount -o remount,bind,ro \"$1\" && shift && exec \"$@\""
    return try await run(arguments, wrapper: ["/usr/bin/unshare", "-m", "/bin/sh", "-c", script, "sh", path])
  }

  /// Waits, off the cooperative pool, for a launched process to exit.
  static func waitForExit(_ process: Process) async {
    await BlockingWork.wait { process.waitUntilExit() }
  }

  func json(_ arguments: [String], environment: [String: String] = [:]) async throws -> Any {
    let result = try await run(arguments + ["--json"], environment: environment)
    guard result.status == 0 else {
      throw CLIError("twin \(arguments.joined(separator: " ")) failed (\(result.status)): \(result.stderr)")
    }
    return try JSONSerialization.jsonObject(with: Data(result.stdout.utf8))
  }
}

struct CLIError: Error, CustomStringConvertible {
  var description: String
  init(_ description: String) { self.description = description }
}
