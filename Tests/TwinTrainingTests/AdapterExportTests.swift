import Foundation
import Testing
import TwinCore
import TwinGGUF
import TwinLLM
import TwinTestSupport
import TwinTraining

/// Twin's adapters and merged models in llama.cpp's GGUF formats: read back by Twin, run by the
/// inference engine, and run by llama.cpp (fixtures from Fixtures/make_adapter_fixtures.py with
/// llama-cpp-python: its greedy continuation with the adapter file as `lora_path`, and with
/// the merged file as the model).
@Suite(.serialized) struct AdapterExportTests {
  static let base = ("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")

  /// A deterministic adapter with a visible effect: peft's initial A, and B drawn from a seed.
  static func adapter(for shape: Hyperparameters) -> LoRAAdapter {
    let adapter = LoRAAdapter(shape: shape, configuration: LoRAConfiguration(rank: 8, alpha: 16), seed: 5)
    var random = RandomSource(seed: 6)
    for p in adapter.parameters where p.name.hasSuffix("lora_B.weight") {
      for i in 0..<p.value.count { p.value.data[i] = Float(random.unit() * 2 - 1) * 0.15 }
    }
    return adapter
  }

  struct Reference: Decodable {
    var prompt_ids: [Int32]
    var adapter_sha256: String
    var merged_sha256: String
    var base_greedy: [Int32]
    var adapter_greedy: [Int32]
    var merged_greedy: [Int32]
  }

  static func reference() throws -> Reference {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/adapter_reference.json")
    return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
  }

  /// Writes the adapter and the merged f16 model for the base into `directory`.
  static func export(into directory: URL) throws -> (adapter: URL, merged: URL, weights: FrozenDecoderWeights, lora: LoRAAdapter) {
    let file = try GGUFFile(url: try PulledModels.file(base.0, base.1))
    let weights = try FrozenDecoderWeights(file: file)
    let lora = adapter(for: weights.shape)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let adapterURL = directory.appendingPathComponent("adapter.gguf")
    let mergedURL = directory.appendingPathComponent("merged-f16.gguf")
    try GGUFExport.writeAdapter(lora, shape: weights.shape, name: "fixture-adapter", to: adapterURL)
    try GGUFExport.writeMerged(weights.merging(lora), base: file, name: "fixture-merged", type: .f16, to: mergedURL)
    return (adapterURL, mergedURL, weights, lora)
  }

  static func greedy(_ model: any DecoderModel, prompt: [Int32], count: Int) throws -> [Int32] {
    let cache = KVCache(hyperparameters: model.hyperparameters, capacity: prompt.count + count)
    var logits = try model.forward(prompt, cache: cache, allLogits: false)
    var out: [Int32] = []
    for _ in 0..<count {
      let next = Sampler.argmax(logits)
      out.append(next)
      logits = try model.forward([next], cache: cache, allLogits: false)
    }
    return out
  }

  static func temporaryDirectory() -> URL {
    if let dir = ProcessInfo.processInfo.environment["TWIN_WRITE_ADAPTER_FIXTURES"] { return URL(fileURLWithPath: dir) }
    return FileManager.default.temporaryDirectory.appendingPathComponent("twin-export-\(UUID().uuidString)")
  }

  @Test func theEngineAndLlamaCppAgreeOnTheAdapterAndTheMergedModel() async throws {
    let directory = Self.temporaryDirectory()
    defer { if ProcessInfo.processInfo.environment["TWIN_WRITE_ADAPTER_FIXTURES"] == nil { try? FileManager.default.removeItem(at: directory) } }
    let (adapterURL, mergedURL) = try await BlockingWork.run {
      let files = try Self.export(into: directory)
      return (files.adapter, files.merged)
    }
    let reference = try Self.reference()
    // The files are the ones the fixture was made from (else: remake it, see the script).
    #expect(try SHA256Digest.hex(of: Data(contentsOf: adapterURL)) == reference.adapter_sha256)
    #expect(try SHA256Digest.hex(of: Data(contentsOf: mergedURL)) == reference.merged_sha256)

    let baseURL = try PulledModels.file(Self.base.0, Self.base.1)
    let count = reference.adapter_greedy.count
    let prompt = reference.prompt_ids
    let (basePlain, withAdapter, fromMerged) = try await BlockingWork.run {
      let plain = try LanguageModelLoader.load(url: baseURL).model
      let adapted = try LanguageModelLoader.load(url: baseURL, adapter: adapterURL).model
      let merged = try LanguageModelLoader.load(url: mergedURL).model
      return (
        try Self.greedy(plain, prompt: prompt, count: count), try Self.greedy(adapted, prompt: prompt, count: count),
        try Self.greedy(merged, prompt: prompt, count: count)
      )
    }
    #expect(basePlain == reference.base_greedy)
    #expect(withAdapter != basePlain, "the adapter changes the continuation")
    #expect(withAdapter == reference.adapter_greedy, "base + adapter: Twin \(withAdapter), llama.cpp \(reference.adapter_greedy)")
    #expect(fromMerged == reference.merged_greedy, "merged: Twin \(fromMerged), llama.cpp \(reference.merged_greedy)")
  }

  @Test func aMergedModelReadsBackAsTheMergedWeights() async throws {
    let directory = Self.temporaryDirectory().appendingPathComponent("readback")
    defer { try? FileManager.default.removeItem(at: directory) }
    let (worst, tiedBoth) = try await BlockingWork.run {
      let (_, mergedURL, weights, lora) = try Self.export(into: directory)
      let expected = weights.merging(lora)
      let back = try FrozenDecoderWeights(file: GGUFFile(url: mergedURL))
      var worst: [String: Float] = [:]
      for (i, (a, b)) in zip(expected.layers, back.layers).enumerated() {
        for p in Projection.allCases {
          let (x, y) = (a.weights[p]!.values, b.weights[p]!.values)
          worst["layer \(i) \(p.rawValue)"] = zip(x, y).map { abs($0 - $1) / max(abs($0), 1e-3) }.max() ?? 1
        }
      }
      return (worst, back.tiedOutput == weights.tiedOutput)
    }
    #expect(worst.count == 30 * 7)
    for (name, difference) in worst {
      #expect(difference < 1e-3, "\(name): relative difference \(difference) after an f16 round trip")
    }
    #expect(tiedBoth)
  }

  @Test func aBadAdapterIsRefusedWithItsPath() throws {
    let directory = Self.temporaryDirectory().appendingPathComponent("bad")
    defer { try? FileManager.default.removeItem(at: directory) }
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let baseURL = try PulledModels.file(Self.base.0, Self.base.1)
    // The base model itself is not an adapter.
    #expect(throws: ModelLoadError.self) { try LanguageModelLoader.load(url: baseURL, adapter: baseURL) }
    do {
      _ = try LanguageModelLoader.load(url: baseURL, adapter: baseURL)
    } catch {
      #expect("\(error)".contains(baseURL.path) && "\(error)".contains("not a LoRA adapter"))
    }
  }
}
