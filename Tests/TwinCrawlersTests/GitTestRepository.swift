import Foundation

/// A throwaway directory under the system temporary directory, removed by ``remove()``.
struct TemporaryDirectory {
  let url: URL

  init(_ prefix: String = "twin-test") throws {
    url = FileManager.default.temporaryDirectory
      .appendingPathComponent("\(prefix)-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  }

  private init(url: URL) { self.url = url }

  /// A new folder `name` inside this one.
  func subdirectory(_ name: String) throws -> TemporaryDirectory {
    let child = url.appendingPathComponent(name, isDirectory: true)
    try FileManager.default.createDirectory(at: child, withIntermediateDirectories: true)
    return TemporaryDirectory(url: child)
  }

  /// Writes `bytes` at `relativePath`, creating folders as needed.
  @discardableResult
  func write(_ relativePath: String, _ bytes: [UInt8]) throws -> URL {
    let file = url.appendingPathComponent(relativePath)
    try FileManager.default.createDirectory(
      at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(bytes).write(to: file)
    return file
  }

  @discardableResult
  func write(_ relativePath: String, _ text: String) throws -> URL {
    try write(relativePath, Array(text.utf8))
  }

  func remove() {
    try? FileManager.default.removeItem(at: url)
  }
}

/// Runs git for test fixtures, failing loudly when git does.
func runGit(_ arguments: [String], in directory: URL) throws {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments =
    [
      "git", "-c", "user.name=Twin Test", "-c", "user.email=twin@example.com", "-c",
      "init.defaultBranch=main",
    ]
    + arguments
  process.currentDirectoryURL = directory
  let errors = Pipe()
  process.standardError = errors
  process.standardOutput = FileHandle.nullDevice
  try process.run()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    throw GitFixtureError(arguments: arguments, message: message)
  }
}

struct GitFixtureError: Error, CustomStringConvertible {
  var arguments: [String]
  var message: String
  var description: String { "git \(arguments.joined(separator: " ")) failed: \(message)" }
}

/// A committed repository with every kind of file the crawler must keep or skip.
enum GitTestRepository {
  /// Source with meaningful whitespace: tabs, trailing spaces, blank lines, no final newline.
  static let python = "def f():\n\treturn  1   \n\n\n# end"
  static let windows = "line one\r\nline two\r\n"
  static let readme = "# Demo\n\nA small repository.\n"

  /// Creates the repository in `directory/name` and returns its folder.
  static func make(in directory: TemporaryDirectory, name: String = "demo-repo") throws -> URL {
    let files = try directory.subdirectory(name)
    let root = files.url
    try files.write("README.md", readme)
    try files.write("src/main.py", python)
    try files.write("src/windows.txt", windows)
    try files.write("node_modules/lib/index.js", "module.exports = 1\n")
    try files.write("vendor/dep/dep.go", "package dep\n")
    try files.write("build/output.txt", "generated\n")
    try files.write("Package.resolved", "{}\n")
    try files.write("yarn.lock", "# lock\n")
    try files.write("go.sum", "example.com/x v1.0.0 h1:abc=\n")
    try files.write("assets/logo.png", [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x00, 0x0D])
    try files.write("big.txt", String(repeating: "x", count: 300 * 1024))
    try files.write("latin1.txt", [0x63, 0x61, 0x66, 0xE9, 0x0A])
    try FileManager.default.createSymbolicLink(
      atPath: root.appendingPathComponent("link-to-readme").path, withDestinationPath: "README.md")
    try runGit(["init", "--quiet"], in: root)
    // --force: the machine's global excludes file may ignore some of these (Package.resolved).
    try runGit(["add", "--all", "--force"], in: root)
    try runGit(["commit", "--quiet", "-m", "initial"], in: root)
    // Never committed, so a crawl (which clones) must not see it.
    try files.write("untracked.txt", "work in progress\n")
    return root
  }
}
