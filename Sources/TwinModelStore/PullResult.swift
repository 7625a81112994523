import Foundation

/// How `pull` treats a model that is already in the cache.
public struct PullOptions: Sendable, Hashable {
  /// Download and install again even when the model is present and intact.
  public var force: Bool
  /// Re-hash every file of a present model instead of only checking sizes.
  public var verify: Bool

  public init(force: Bool = false, verify: Bool = false) {
    self.force = force
    self.verify = verify
  }
}

/// What `pull` did.
public struct PullResult: Sendable, Hashable {
  public enum Action: Sendable, Hashable {
    /// Downloaded and installed (for the first time, or again with `force`).
    case pulled
    /// Present and intact: nothing was downloaded. `verified`: every file was re-hashed.
    case alreadyPulled(verified: Bool)
    /// Present but damaged (`reason`), so it was downloaded and installed again.
    case repaired(reason: String)
  }

  public var action: Action
  public var manifest: ModelManifest
  /// The model's directory in the cache.
  public var directory: URL

  public init(action: Action, manifest: ModelManifest, directory: URL) {
    self.action = action
    self.manifest = manifest
    self.directory = directory
  }
}
