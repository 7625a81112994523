import Foundation
import TwinCore

/// A content-addressed store of artifact bytes on the file system.
///
/// Blobs live at `<root>/<first two hex digits>/<sha256>`. A blob is written to a temporary
/// file and renamed into place, so a crash never leaves a partial blob under its final name, and
/// writing the same content twice is a no-op.
public struct ArtifactBlobStore: Sendable {
  public let root: URL

  /// A store in `root`, created when absent unless `create` is false (a read-only workspace).
  public init(root: URL, create: Bool = true) throws {
    self.root = root
    if create { try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true) }
  }

  /// Stores `data` and returns its SHA-256.
  @discardableResult
  public func put(_ data: Data) throws -> String {
    let hash = SHA256Digest.hex(of: data)
    let url = location(of: hash)
    if FileManager.default.fileExists(atPath: url.path) { return hash }
    let dir = url.deletingLastPathComponent()
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try AtomicFile.write(data, to: url)
    return hash
  }

  /// The bytes stored under `sha256`, verified against the hash.
  public func get(_ sha256: String) throws -> Data {
    let url = location(of: sha256)
    guard let data = FileManager.default.contents(atPath: url.path) else {
      throw TwinError.notFound(kind: .artifact, name: sha256, hint: "expected at \(url.path)")
    }
    guard SHA256Digest.hex(of: data) == sha256 else {
      throw TwinError.storage("artifact blob \(url.path) is corrupt: its hash does not match")
    }
    return data
  }

  public func contains(_ sha256: String) -> Bool {
    FileManager.default.fileExists(atPath: location(of: sha256).path)
  }

  public func location(of sha256: String) -> URL {
    root.appendingPathComponent(String(sha256.prefix(2))).appendingPathComponent(sha256)
  }
}
