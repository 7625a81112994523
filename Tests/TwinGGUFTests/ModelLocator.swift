import Foundation
import Testing

/// Where tests find pulled models: `$TWIN_MODELS/<name>`, else `~/.cache/twin/models/<name>`.
///
/// A missing model fails the test with the command that fetches it (CI pulls models before
/// testing), rather than skipping: a skipped correctness test proves nothing.
enum ModelLocator {
  static func file(_ model: String, _ name: String) throws -> URL {
    let env = ProcessInfo.processInfo.environment
    let root =
      env["TWIN_MODELS"].map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/twin/models")
    let url = root.appendingPathComponent(model).appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      Issue.record("model '\(model)' is not in \(root.path): run `twin models pull \(model)` first")
      throw ModelMissing(name: model)
    }
    return url
  }

  struct ModelMissing: Error { var name: String }
}
