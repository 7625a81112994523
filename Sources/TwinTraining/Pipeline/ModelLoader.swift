import Foundation
import TwinCore
import TwinGGUF
import TwinLLM
import TwinOrchestrator

/// Loads what a training run needs once and hands it to each step: the base's tokenizer and
/// chat template, its weights dequantised, the parent model's adapter and the starting weights
/// (the base with the parent merged).
///
/// The steps of one run execute one after another, so the lock only guards against a step
/// that reads the cache while another is still loading it.
final class ModelLoader: @unchecked Sendable {
  private let request: TrainingPipeline.Request
  private let blobs: ArtifactBlobStore
  private let lock = NSLock()
  private var file: GGUFFile?
  private var base: FrozenDecoderWeights?
  private var parent: LoRAAdapter?
  private var starting: FrozenDecoderWeights?

  init(request: TrainingPipeline.Request, blobs: ArtifactBlobStore) {
    self.request = request
    self.blobs = blobs
  }

  private func cached<T>(_ slot: ReferenceWritableKeyPath<ModelLoader, T?>, _ make: () throws -> T) rethrows -> T {
    lock.lock()
    defer { lock.unlock() }
    if let value = self[keyPath: slot] { return value }
    let value = try make()
    self[keyPath: slot] = value
    return value
  }

  func gguf() throws -> GGUFFile { try cached(\.file) { try GGUFFile(url: request.baseFile) } }

  func baseShape() throws -> Hyperparameters { try Hyperparameters(file: try gguf()) }

  func chat() throws -> ChatExamples {
    let file = try gguf()
    let jinja = file.contains(key: "tokenizer.chat_template") ? try file.string("tokenizer.chat_template") : nil
    return ChatExamples(tokenizer: try LLMTokenizer.load(from: file), template: try ChatTemplate.detect(jinja: jinja))
  }

  func baseWeights() throws -> FrozenDecoderWeights {
    let file = try gguf()
    return try cached(\.base) { try FrozenDecoderWeights(file: file) }
  }

  /// The parent model's adapter (DPO after SFT), or nil.
  func parentAdapter() throws -> LoRAAdapter? {
    guard let parent = request.parent else { return nil }
    let shape = try baseShape()
    return try cached(\.parent) {
      try PEFTAdapter.read(
        configuration: try blobs.get(parent.files.peftConfiguration), weights: blobs.location(of: parent.files.peftWeights),
        shape: shape)
    }
  }

  /// The frozen weights training starts from: the base, with the parent's adapter merged.
  func startingWeights() throws -> FrozenDecoderWeights {
    let base = try baseWeights()
    guard let parent = try parentAdapter() else { return base }
    return cached(\.starting) { base.merging(parent) }
  }
}
