import Foundation

/// What was pulled, from where, and each file's hash: `twin-manifest.json` in a model directory.
///
/// The hashes let `--verify` detect a damaged file without the network, and the sources say
/// exactly which package versions a model came from.
public struct ModelManifest: Sendable, Hashable, Codable {
  /// The manifest's format version, for future readers.
  public var format = 1
  public var name: String
  public var kind: ModelKind
  /// For single-file kinds, the model file relative to the directory.
  public var primaryFile: String?
  public var sources: [Source]
  /// Every file of the model, sorted by path (the manifest itself excluded).
  public var files: [File]
  public var pulledAt: Date

  /// A package the model was pulled from.
  public struct Source: Sendable, Hashable, Codable {
    public var package: String
    public var version: String
    /// The wheel's file name, as pip saved it.
    public var wheel: String
    /// The SHA-256 of the wheel as downloaded (lower-case hex).
    public var wheelSHA256: String

    public init(package: String, version: String, wheel: String, wheelSHA256: String) {
      self.package = package
      self.version = version
      self.wheel = wheel
      self.wheelSHA256 = wheelSHA256
    }
  }

  /// One file of the model.
  public struct File: Sendable, Hashable, Codable {
    /// Relative to the model directory, `/`-separated.
    public var path: String
    /// Lower-case hex SHA-256.
    public var sha256: String
    public var size: Int64

    public init(path: String, sha256: String, size: Int64) {
      self.path = path
      self.sha256 = sha256
      self.size = size
    }
  }

  public init(
    name: String, kind: ModelKind, primaryFile: String?, sources: [Source], files: [File],
    pulledAt: Date
  ) {
    self.name = name
    self.kind = kind
    self.primaryFile = primaryFile
    self.sources = sources
    self.files = files.sorted { $0.path < $1.path }
    self.pulledAt = pulledAt
  }

  /// The manifest's file name inside a model directory.
  public static let fileName = "twin-manifest.json"

  /// The total size of the model's files in bytes.
  public var totalSize: Int64 { files.reduce(0) { $0 + $1.size } }

  static func read(from url: URL) throws -> ModelManifest {
    let data: Data
    do {
      data = try Data(contentsOf: url)
    } catch {
      throw ModelStoreError.damaged(
        file: url.path, reason: "cannot read the manifest (\(error.localizedDescription))")
    }
    do {
      let decoder = JSONDecoder()
      decoder.dateDecodingStrategy = .iso8601
      return try decoder.decode(ModelManifest.self, from: data)
    } catch {
      throw ModelStoreError.damaged(file: url.path, reason: "the manifest is not valid (\(error))")
    }
  }

  func encoded() throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    return try encoder.encode(self)
  }
}
