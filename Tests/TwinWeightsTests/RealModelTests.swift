import Foundation
import Testing
import TwinWeights

/// Reads the real all-MiniLM-L6-v2 weights when `twin models pull minilm` has put them in the
/// model cache; skipped otherwise (no network in tests).
@Suite struct RealModelTests {
  static let minilm: URL = {
    let environment = ProcessInfo.processInfo.environment
    let root =
      environment["TWIN_MODELS"].map { URL(fileURLWithPath: $0) }
      ?? URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory()).appendingPathComponent(
        ".cache/twin/models")
    return root.appendingPathComponent("minilm/model.safetensors")
  }()

  @Test(.enabled(if: FileManager.default.fileExists(atPath: minilm.path), "minilm is not pulled"))
  func readsMiniLMShapes() throws {
    let file = try SafetensorsFile(url: Self.minilm)
    #expect(file.tensorNames.count == 104)
    #expect(file.metadata["format"] == "pt")
    #expect(try file.info("embeddings.word_embeddings.weight").shape == [30522, 384])
    #expect(try file.info("embeddings.position_embeddings.weight").shape == [512, 384])
    #expect(try file.info("encoder.layer.5.intermediate.dense.weight").shape == [1536, 384])
    #expect(try file.info("embeddings.position_ids").dtype == .i64)
    let gamma = try file.floats("embeddings.LayerNorm.weight")
    #expect(gamma.count == 384 && gamma.allSatisfy(\.isFinite))
    let words = try file.floats("embeddings.word_embeddings.weight")
    #expect(words.count == 30522 * 384 && words.allSatisfy(\.isFinite))
    // The `bert.` prefix other checkpoints use is absent here; the error points at the real name.
    #expect {
      try file.info("bert.embeddings.word_embeddings.weight")
    } throws: { "\($0)".contains("closest: embeddings.word_embeddings.weight") }
  }
}
