import Foundation
import TwinCore
import TwinLLM
import TwinWeights

/// A LoRA adapter as peft saves it: `adapter_config.json` and `adapter_model.safetensors` in
/// one folder, with peft's tensor names (`base_model.model.model.layers.N.self_attn.q_proj.lora_A.weight`).
///
/// Rows are in transformers' layout (see ``FrozenDecoderWeights``), which is the training
/// layout, so the matrices are written as they are.
public enum PEFTAdapter {
  /// The configuration file's name.
  public static let configurationFile = "adapter_config.json"
  /// The weights file's name.
  public static let weightsFile = "adapter_model.safetensors"

  /// The fields of `adapter_config.json` that peft needs to load the adapter.
  struct Configuration: Codable {
    var peft_type = "LORA"
    var task_type = "CAUSAL_LM"
    var r: Int
    var lora_alpha: Float
    var lora_dropout: Float
    var target_modules: [String]
    var bias = "none"
    var fan_in_fan_out = false
    var inference_mode = true
    var init_lora_weights = true
    var use_rslora = false
    var base_model_name_or_path: String?
  }

  /// Writes `adapter` into `directory` (created if needed), each file atomically.
  public static func write(_ adapter: LoRAAdapter, baseModel: String?, to directory: URL) throws {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let c = adapter.configuration
    let configuration = Configuration(
      r: c.rank, lora_alpha: c.alpha, lora_dropout: c.dropout, target_modules: c.targets.map(\.rawValue).sorted(),
      base_model_name_or_path: baseModel)
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    try AtomicFile.write(encoder.encode(configuration), to: directory.appendingPathComponent(configurationFile))
    let entries = adapter.parameters.map { p in
      SafetensorsWriter.Entry(name: p.name, shape: [p.value.rows, p.value.cols], values: p.value.values)
    }
    try SafetensorsWriter.write(entries, to: directory.appendingPathComponent(weightsFile))
  }

  /// Loads the adapter in `directory` for a model of `shape`.
  ///
  /// - Throws: ``TrainingError/badFile(path:reason:)`` when the configuration is unreadable, a
  ///   target is unknown, or a tensor is missing or has the wrong shape.
  public static func read(from directory: URL, shape: Hyperparameters) throws -> LoRAAdapter {
    let configURL = directory.appendingPathComponent(configurationFile)
    let data: Data
    do { data = try Data(contentsOf: configURL) } catch {
      throw TrainingError.badFile(path: configURL.path, reason: "unreadable: \(error.localizedDescription)")
    }
    return try read(
      configuration: data, weights: directory.appendingPathComponent(weightsFile), shape: shape, configurationPath: configURL.path)
  }

  /// Loads an adapter from its configuration's bytes and its weights file (the blob store keeps
  /// them apart, named by hash).
  public static func read(configuration data: Data, weights weightsURL: URL, shape: Hyperparameters, configurationPath: String = configurationFile)
    throws -> LoRAAdapter
  {
    let configURL = URL(fileURLWithPath: configurationPath)
    let configuration: Configuration
    do {
      configuration = try JSONDecoder().decode(Configuration.self, from: data)
    } catch {
      throw TrainingError.badFile(path: configURL.path, reason: "not a peft LoRA configuration: \(error)")
    }
    var targets: [Projection] = []
    for name in configuration.target_modules {
      guard let p = Projection(rawValue: name) else {
        throw TrainingError.badFile(path: configURL.path, reason: "unknown target module \(name)")
      }
      targets.append(p)
    }
    let lora = LoRAConfiguration(
      rank: configuration.r, alpha: configuration.lora_alpha, dropout: configuration.lora_dropout, targets: targets)
    try lora.validate()
    let adapter = LoRAAdapter(shape: shape, configuration: lora, seed: 0)
    let file = try SafetensorsFile(url: weightsURL)
    for p in adapter.parameters {
      guard file.tensorNames.contains(p.name) else {
        throw TrainingError.badFile(path: weightsURL.path, reason: "missing tensor \(p.name)")
      }
      let values = try file.floats(p.name)
      guard values.count == p.value.count else {
        throw TrainingError.badFile(
          path: weightsURL.path, reason: "\(p.name) has \(values.count) values, expected \(p.value.rows) × \(p.value.cols)")
      }
      p.value.assign(Tensor(rows: p.value.rows, cols: p.value.cols, values: values))
    }
    return adapter
  }
}
