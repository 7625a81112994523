import Foundation
import TwinModelStore

/// The models tests and benchmarks run against, where `twin models pull` put them (the model
/// store's own root: `TWIN_MODELS`, else `~/.cache/twin/models`).
///
/// A missing model is an error naming the command that fetches it, never a skip: CI pulls the
/// models first, so a skipped correctness test would prove nothing.
public enum PulledModels {
  /// Why a model file is not there.
  public struct Missing: Error, CustomStringConvertible {
    public var description: String
  }

  /// The model cache.
  public static var root: URL { ModelStore.defaultRoot() }

  /// `name` inside the pulled model `model`.
  public static func file(_ model: String, _ name: String) throws -> URL {
    let url = root.appendingPathComponent(model).appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw Missing(description: "\(url.path) is missing: run `twin models pull \(model)` first")
    }
    return url
  }

  /// The folder of the pulled model `model`, checked by a file it must hold.
  public static func directory(_ model: String, holding marker: String = "config.json") throws -> URL {
    try file(model, marker).deletingLastPathComponent()
  }
}
