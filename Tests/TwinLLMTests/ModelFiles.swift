import Foundation
import TwinTestSupport
import TwinGGUF

/// The GGUF models tests run against, found where `twin models pull` put them (see
/// ``PulledModels``). A missing model fails (CI pulls them first).
enum ModelFiles {
  static let smolLM2 = ("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
  static let gemma3 = ("gemma3-270m", "gemma-3-270m-q4_k_m.gguf")
  static let qwen = ("qwen2.5-coder-1.5b-instruct", "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf")

  static func open(_ model: (String, String)) throws -> GGUFFile {
    try GGUFFile(url: try PulledModels.file(model.0, model.1))
  }

  static func fixture(_ name: String) -> URL {
    Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
  }
}
