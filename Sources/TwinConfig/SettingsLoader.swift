import Foundation
import TwinCore
import TwinTensor
import Yams

/// Resolves ``Settings`` from, in increasing precedence: a YAML file, a `.env` file, and `TWIN_*`
/// environment variables.
///
/// The YAML file is `$TWIN_SETTINGS` when set, else `twin.yaml` in the current directory when it
/// exists. `.env` is read from the current directory when it exists. Every key is validated
/// against ``Settings/table``; an unknown key or a bad value is an error naming the file (or
/// variable) and the key.
public struct SettingsLoader: Sendable {
  public var directory: URL
  public var environment: [String: String]

  public init(
    directory: URL = URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
    environment: [String: String] = ProcessInfo.processInfo.environment
  ) {
    self.directory = directory
    self.environment = environment
  }

  public func load() throws -> Settings {
    var settings = Settings()
    if let yamlPath = settingsFilePath() {
      for (setting, raw, source) in try Self.yamlEntries(path: yamlPath) {
        try setting.apply(raw, to: &settings, source: source)
      }
    }
    let dotEnv = directory.appendingPathComponent(".env").path
    if FileManager.default.fileExists(atPath: dotEnv) {
      let entries = try DotEnv.parse(path: dotEnv)
      for entry in entries where entry.name.hasPrefix("TWIN_") {
        guard let setting = Settings.setting(forEnvironmentName: entry.name) else {
          if Settings.reservedEnvironmentNames.contains(entry.name) { continue }
          throw TwinError.configuration("\(dotEnv):\(entry.line): unknown setting \(entry.name)\(Self.suggestion(entry.name))")
        }
        try setting.apply(entry.value, to: &settings, source: "\(dotEnv):\(entry.line)")
      }
    }
    for (name, value) in environment.sorted(by: { $0.key < $1.key }) where name.hasPrefix("TWIN_") {
      guard let setting = Settings.setting(forEnvironmentName: name) else {
        if Settings.reservedEnvironmentNames.contains(name) {
          if name == ComputeThreads.environmentName { try Self.checkThreads(value) }
          continue
        }
        throw TwinError.configuration("environment: unknown setting \(name)\(Self.suggestion(name))")
      }
      try setting.apply(value, to: &settings, source: "environment \(name)")
    }
    return settings
  }

  /// `TWIN_THREADS` is read by the compute thread pool before any settings exist, so that pool
  /// cannot report a bad value; it would fall back to a thread per core unnoticed. Checked here
  /// with the pool's own parse (``ComputeThreads/count(from:)``), so every command refuses it.
  static func checkThreads(_ value: String) throws {
    guard ComputeThreads.count(from: value) != nil else {
      throw TwinError.configuration(
        "environment \(ComputeThreads.environmentName): expected a positive whole number of compute threads, got \"\(value)\"")
    }
  }

  func settingsFilePath() -> String? {
    if let explicit = environment["TWIN_SETTINGS"], !explicit.isEmpty { return explicit }
    let path = directory.appendingPathComponent("twin.yaml").path
    return FileManager.default.fileExists(atPath: path) ? path : nil
  }

  /// Flattens the YAML mapping into dotted keys, checking each against the schema.
  static func yamlEntries(path: String) throws -> [(Setting, String, String)] {
    let root = try YAMLFile.load(path: path)
    guard let root else { return [] }
    var entries: [(Setting, String, String)] = []
    func walk(_ node: Node, prefix: String) throws {
      guard let mapping = node.mapping else {
        throw TwinError.configuration("\(YAMLFile.location(path, node)): expected a mapping of settings")
      }
      for (keyNode, value) in mapping {
        guard let name = keyNode.string else {
          throw TwinError.configuration("\(YAMLFile.location(path, keyNode)): keys must be strings")
        }
        let dotted = prefix.isEmpty ? name : prefix + "." + name
        if value.mapping != nil, Settings.setting(forKey: dotted) == nil {
          guard Settings.table.contains(where: { $0.key.hasPrefix(dotted + ".") }) else {
            throw TwinError.configuration(
              "\(YAMLFile.location(path, keyNode)): unknown setting '\(dotted)'\(suggestion(dotted))")
          }
          try walk(value, prefix: dotted)
          continue
        }
        guard let setting = Settings.setting(forKey: dotted) else {
          throw TwinError.configuration(
            "\(YAMLFile.location(path, keyNode)): unknown setting '\(dotted)'\(suggestion(dotted))")
        }
        guard let scalar = value.scalar else {
          throw TwinError.configuration("\(YAMLFile.location(path, value)): \(dotted) must be a single value")
        }
        entries.append((setting, scalar.string, YAMLFile.location(path, keyNode)))
      }
    }
    try walk(root, prefix: "")
    return entries
  }

  /// " (did you mean X?)" for the closest known key, when one is close.
  static func suggestion(_ name: String) -> String {
    let candidates = Settings.table.flatMap { [$0.key, $0.environmentName] }
    guard let best = NameSuggestions.closest(to: name, among: candidates, limit: 1).first else { return "" }
    return " (did you mean \(best)?)"
  }
}
