import Foundation
import TwinCore

extension ModelStore {
  /// Finds a model by known name or by path.
  ///
  /// - A known name (see ``catalog``) gives the pulled model, after a quick size check of its
  ///   files; not pulled yet is an error saying `run: twin models pull NAME`.
  /// - Anything else is a path (`~` expanded, relative to the current directory): a Hugging
  ///   Face model directory (it must have `config.json` and `model.safetensors` or its shard
  ///   index), a model directory of this cache, or a single `.gguf` or `.safetensors` file.
  ///   Write `./minilm` for a directory that shares a known model's name.
  ///
  /// - Throws: ``ModelStoreError`` naming the missing, truncated or unusable file.
  public func resolve(_ nameOrPath: String) throws -> ResolvedModel {
    if let model = model(named: nameOrPath) {
      guard let manifest = try manifest(for: model.name) else {
        throw ModelStoreError.notPulled(model.name)
      }
      let directory = directory(for: model.name)
      try Self.check(manifest, in: directory, hashing: false)
      return ResolvedModel(
        url: manifest.primaryFile.map { directory.appendingPathComponent($0) } ?? directory,
        kind: manifest.kind,
        name: model.name, manifest: manifest)
    }
    let path = (nameOrPath as NSString).expandingTildeInPath
    var isDirectory: ObjCBool = false
    guard !nameOrPath.isEmpty,
      FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
    else {
      let looksLikePath =
        nameOrPath.contains("/") || nameOrPath.hasPrefix(".") || nameOrPath.hasPrefix("~")
      if looksLikePath {
        throw ModelStoreError.unusableModelPath(path: path, reason: "no such file or directory")
      }
      let names = catalog.map(\.name)
      throw ModelStoreError.unknownModel(
        nameOrPath, suggestions: NameSuggestions.closest(to: nameOrPath, among: names), known: names)
    }
    let url = URL(fileURLWithPath: path).standardizedFileURL
    return isDirectory.boolValue ? try Self.resolveDirectory(url) : try Self.resolveFile(url)
  }

  /// A directory: one of this cache's (it has a manifest) or a Hugging Face model directory.
  static func resolveDirectory(_ url: URL) throws -> ResolvedModel {
    let manifestURL = url.appendingPathComponent(ModelManifest.fileName)
    if FileManager.default.fileExists(atPath: manifestURL.path) {
      let manifest = try ModelManifest.read(from: manifestURL)
      try check(manifest, in: url, hashing: false)
      return ResolvedModel(
        url: manifest.primaryFile.map { url.appendingPathComponent($0) } ?? url,
        kind: manifest.kind,
        manifest: manifest)
    }
    let config = url.appendingPathComponent("config.json")
    guard isNonEmptyFile(config) else {
      throw ModelStoreError.unusableModelPath(
        path: config.path,
        reason: "missing or empty: a Hugging Face model directory needs config.json")
    }
    let weights = ["model.safetensors", "model.safetensors.index.json"].map {
      url.appendingPathComponent($0)
    }
    guard weights.contains(where: isNonEmptyFile) else {
      throw ModelStoreError.unusableModelPath(
        path: weights[0].path, reason: "missing: the model directory has no safetensors weights")
    }
    return ResolvedModel(url: url, kind: .huggingFaceDirectory)
  }

  /// A single model file, recognised by its extension and checked by its first bytes.
  static func resolveFile(_ url: URL) throws -> ResolvedModel {
    switch url.pathExtension.lowercased() {
    case "gguf":
      let magic = try firstBytes(of: url, count: 4)
      guard magic.count == 4 else {
        throw ModelStoreError.damaged(
          file: url.path, reason: "truncated: only \(magic.count) bytes, not a GGUF file")
      }
      guard magic == Array("GGUF".utf8) else {
        throw ModelStoreError.damaged(
          file: url.path, reason: "not a GGUF file (it does not start with 'GGUF')")
      }
      return ResolvedModel(url: url, kind: .gguf)
    case "safetensors":
      // The header's own checks (length, offsets, truncation) happen when the file is opened.
      guard try firstBytes(of: url, count: 8).count == 8 else {
        throw ModelStoreError.damaged(
          file: url.path, reason: "truncated: shorter than a safetensors header")
      }
      return ResolvedModel(url: url, kind: .safetensors)
    default:
      throw ModelStoreError.unusableModelPath(
        path: url.path,
        reason: "not a model file Twin can load (expected .gguf, .safetensors or a model directory)"
      )
    }
  }

  private static func isNonEmptyFile(_ url: URL) -> Bool {
    let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
    return attributes?[.type] as? FileAttributeType == .typeRegular
      && ((attributes?[.size] as? NSNumber)?.intValue ?? 0) > 0
  }

  private static func firstBytes(of url: URL, count: Int) throws -> [UInt8] {
    do {
      let handle = try FileHandle(forReadingFrom: url)
      defer { try? handle.close() }
      return [UInt8](try handle.read(upToCount: count) ?? Data())
    } catch {
      throw ModelStoreError.damaged(
        file: url.path, reason: "cannot be read (\(error.localizedDescription))")
    }
  }
}
