import Foundation

extension ModelStore {
  /// Checks pulled model `name` against its manifest: every file present with its recorded
  /// size, and with `hashing`, its recorded SHA-256 too.
  ///
  /// - Returns: The manifest.
  /// - Throws: ``ModelStoreError/notPulled(_:)``, or ``ModelStoreError/damagedModel(name:file:reason:)``
  ///   naming the first missing, truncated or corrupt file.
  @discardableResult
  public func verify(
    _ name: String, hashing: Bool = true, progress: @Sendable (String) -> Void = { _ in }
  ) throws
    -> ModelManifest
  {
    guard let manifest = try manifest(for: name) else { throw ModelStoreError.notPulled(name) }
    try Self.check(manifest, in: directory(for: name), hashing: hashing, progress: progress)
    return manifest
  }

  /// Checks the files `manifest` lists under `directory`.
  static func check(
    _ manifest: ModelManifest, in directory: URL, hashing: Bool,
    progress: @Sendable (String) -> Void = { _ in }
  ) throws {
    for file in manifest.files {
      let url = directory.appendingPathComponent(file.path)
      let attributes = try? FileManager.default.attributesOfItem(atPath: url.path)
      guard let attributes, attributes[.type] as? FileAttributeType == .typeRegular else {
        throw ModelStoreError.damagedModel(name: manifest.name, file: url.path, reason: "missing")
      }
      let size = (attributes[.size] as? NSNumber)?.int64Value ?? -1
      guard size == file.size else {
        throw ModelStoreError.damagedModel(
          name: manifest.name, file: url.path,
          reason: "has \(size) bytes but should have \(file.size) (truncated or changed)")
      }
      guard hashing else { continue }
      progress("verifying \(file.path)")
      let (sha256, _) = try FileDigest.sha256(of: url)
      guard sha256 == file.sha256 else {
        throw ModelStoreError.damagedModel(
          name: manifest.name, file: url.path,
          reason: "corrupt: SHA-256 is \(sha256) but should be \(file.sha256)")
      }
    }
  }
}
