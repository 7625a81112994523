import Foundation
import TwinCore
import TwinGGUF
import TwinLLM
import TwinOrchestrator

/// Writes a registered model's files where other tools can use them.
public enum TrainedModelExport {
  /// What was written, file by file.
  public struct Written: Sendable, Encodable {
    /// peft's folder (`adapter_config.json`, `adapter_model.safetensors`).
    public var peft: String
    /// The GGUF LoRA adapter (`llama-cli -m BASE --lora FILE`).
    public var ggufAdapter: String
    /// The merged GGUF model, when asked for.
    public var merged: String?
  }

  /// Copies `model`'s peft and GGUF adapter files from `blobs` into `directory`, and with
  /// `merged` also writes the base with the adapter merged as one GGUF file.
  public static func export(
    _ model: ModelVersion, blobs: ArtifactBlobStore, baseFile: URL, to directory: URL, merged: GGUFExport.MergedType?
  ) throws -> Written {
    let fm = FileManager.default
    let peft = directory.appendingPathComponent("peft", isDirectory: true)
    try fm.createDirectory(at: peft, withIntermediateDirectories: true)
    let files = model.files
    for (hash, name) in [
      (files.peftConfiguration, PEFTAdapter.configurationFile), (files.peftWeights, PEFTAdapter.weightsFile),
    ] {
      try AtomicFile.write(try blobs.get(hash), to: peft.appendingPathComponent(name))
    }
    let adapterURL = directory.appendingPathComponent("\(model.name)-\(model.version).lora.gguf")
    try AtomicFile.write(try blobs.get(files.ggufAdapter), to: adapterURL)
    var written = Written(peft: peft.path, ggufAdapter: adapterURL.path, merged: nil)
    if let merged {
      let base = try GGUFFile(url: baseFile)
      let weights = try FrozenDecoderWeights(file: base)
      let adapter = try PEFTAdapter.read(from: peft, shape: weights.shape)
      let url = directory.appendingPathComponent("\(model.name)-\(model.version).\(merged.rawValue).gguf")
      try GGUFExport.writeMerged(weights.merging(adapter), base: base, name: model.label, type: merged, to: url)
      written.merged = url.path
    }
    return written
  }
}
