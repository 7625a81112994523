import Foundation
import Testing
import TwinGGUF

/// The GGUF models tests run against: `$TWIN_MODELS/<name>/<file>` or
/// `~/.cache/twin/models/<name>/<file>`. A missing model fails (CI pulls them first).
enum ModelFiles {
  static let smolLM2 = ("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
  static let gemma3 = ("gemma3-270m", "gemma-3-270m-q4_k_m.gguf")

  static func open(_ model: (String, String)) throws -> GGUFFile {
    let env = ProcessInfo.processInfo.environment
    let root =
      env["TWIN_MODELS"].map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: NSHomeDirectory()).appendingPathComponent(".cache/twin/models")
    let url = root.appendingPathComponent(model.0).appendingPathComponent(model.1)
    guard FileManager.default.fileExists(atPath: url.path) else {
      Issue.record("\(url.path) is missing: run `twin models pull \(model.0)` first")
      throw CocoaError(.fileNoSuchFile)
    }
    return try GGUFFile(url: url)
  }

  static func fixture(_ name: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
  }
}
