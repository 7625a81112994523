import Foundation

/// A model ready to load: where it is and what it is.
public struct ResolvedModel: Sendable, Hashable {
  /// The model directory (``ModelKind/huggingFaceDirectory``) or the model file.
  public var url: URL
  public var kind: ModelKind
  /// The known name when the model came from the cache; nil for a path.
  public var name: String?
  /// The manifest, for models pulled into the cache.
  public var manifest: ModelManifest?

  public init(url: URL, kind: ModelKind, name: String? = nil, manifest: ModelManifest? = nil) {
    self.url = url
    self.kind = kind
    self.name = name
    self.manifest = manifest
  }

  /// The directory holding the model: `url` itself for a directory, else its parent.
  public var directory: URL {
    kind == .huggingFaceDirectory ? url : url.deletingLastPathComponent()
  }
}
