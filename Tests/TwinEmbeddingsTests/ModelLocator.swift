import Foundation
import Testing

/// Where tests find pulled models: `$TWIN_MODELS/<name>`, else `~/.cache/twin/models/<name>`.
///
/// A missing model fails the test with the command that fetches it (CI pulls models before
/// testing), rather than skipping: a skipped correctness test proves nothing.
enum ModelLocator {
  static func directory(_ name: String) throws -> URL {
    let env = ProcessInfo.processInfo.environment
    let root =
      env["TWIN_MODELS"].map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/twin/models")
    let dir = root.appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: dir.appendingPathComponent("config.json").path) else {
      Issue.record("model '\(name)' is not in \(root.path): run `twin models pull \(name)` first")
      throw ModelMissing(name: name)
    }
    return dir
  }

  struct ModelMissing: Error { var name: String }

  static func fixture(_ name: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
  }
}
