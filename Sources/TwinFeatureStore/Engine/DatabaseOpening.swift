import Foundation
import GRDB
import TwinCore

/// Opens the workspace's SQLite files (the warehouse's `twin.sqlite` and the feature store's
/// `vectors.sqlite`), the one place that knows how.
///
/// Writers and readers share a WAL-mode `DatabasePool`, so readers never block a running
/// pipeline. A read-only command opens the file read-only; where it cannot write the directory
/// (a read-only mount), SQLite cannot create the WAL's shared-memory file and refuses a plain
/// read-only open, so the file is opened as `immutable`: read as it is, without locks, which is
/// right when nothing can write there.
public enum DatabaseOpening {
  /// A writer for `path` (a pool, or an immutable queue on a read-only mount).
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when a read-only open finds no file.
  public static func open(path: String, label: String, readOnly: Bool) throws -> any DatabaseWriter {
    var config = Configuration()
    // Another twin process may hold the write lock briefly (a pipeline writing a step record).
    config.busyMode = .timeout(10)
    config.label = label
    guard readOnly else { return try DatabasePool(path: path, configuration: config) }
    config.readonly = true
    guard FileManager.default.fileExists(atPath: path) else {
      throw TwinError.notFound(kind: .file, name: path, hint: "a reading command does not create it")
    }
    let directory = URL(fileURLWithPath: path).deletingLastPathComponent().path
    if FileManager.default.isWritableFile(atPath: directory) {
      return try DatabasePool(path: path, configuration: config)
    }
    let escaped = path.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? path
    return try DatabaseQueue(path: "file:\(escaped)?immutable=1", configuration: config)
  }

  /// Opens `path` and migrates it to `migrator`'s schema; a read-only open never writes, so it
  /// refuses a file whose schema is behind. `what` names the file for people ("the vector
  /// store"); `upgrade` says how to bring an old file up to date.
  ///
  /// - Throws: ``TwinError/storage(_:)`` naming the file when it cannot be opened or migrated,
  ///   or is behind on a read-only open.
  public static func openMigrated(
    path: String, label: String, readOnly: Bool, migrator: DatabaseMigrator, what: String, upgrade: String
  ) throws -> any DatabaseWriter {
    let pool: any DatabaseWriter
    do {
      pool = try open(path: path, label: label, readOnly: readOnly)
      if !readOnly { try migrator.migrate(pool) }
    } catch {
      throw TwinError.storage("cannot open \(what) \(path): \(error)")
    }
    if readOnly, try !pool.read({ try migrator.hasCompletedMigrations($0) }) {
      throw TwinError.storage("\(path) was written by an older twin: \(upgrade)")
    }
    return pool
  }
}
