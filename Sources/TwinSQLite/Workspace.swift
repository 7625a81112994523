import Foundation
import TwinCore
import TwinFeatureStore
import TwinOrchestrator

/// The directory that holds all of a Twin installation's state.
///
/// ```
/// .twin/
///   twin.sqlite        warehouse + pipeline metadata + traces (WAL mode)
///   artifacts/         content-addressed step outputs
///   vectors/           the feature store: vectors.sqlite (WAL) and HNSW graph snapshots
/// ```
public struct Workspace: Sendable {
  public let root: URL
  public let database: TwinDatabase
  public let warehouse: SQLiteWarehouse
  public let runs: SQLiteRunStore
  public let blobs: ArtifactBlobStore
  /// The feature store: cleaned documents and embedded chunks.
  public let vectors: SQLiteVectorStore
  /// Prompt-monitoring traces and feedback.
  public let traces: SQLiteTraceStore
  /// Asynchronous jobs (`/rag/jobs`).
  public let jobs: SQLiteJobStore
  /// Versioned instruction and preference datasets.
  public let datasets: SQLiteDatasetStore
  /// Trained model versions (their files are in ``blobs``).
  public let models: SQLiteModelRegistry
  /// Training and evaluation runs: parameters, metrics by step, artifacts.
  public let experiments: SQLiteExperimentStore

  /// How a command uses the workspace.
  public enum Access: Sendable {
    /// Created when absent, migrated, written.
    case readWrite
    /// An existing workspace, never written: commands that only read (search, listings,
    /// exports) work on a read-only mount or without write permission.
    case readOnly
  }

  /// Opens the workspace at `path`, creating it when absent (unless `access` is read-only).
  public init(path: String, access: Access = .readWrite) throws {
    let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    var isDirectory: ObjCBool = false
    let exists = FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory)
    if exists, !isDirectory.boolValue {
      throw TwinError.configuration("workspace \(root.path) exists and is not a directory")
    }
    let readOnly = access == .readOnly
    if readOnly {
      guard exists else {
        throw TwinError.notFound(kind: .workspace, name: root.path, hint: "`twin quickstart` or `twin etl` makes one")
      }
    } else {
      do {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
      } catch {
        throw TwinError.storage("cannot create the workspace \(root.path): \(error.localizedDescription)")
      }
    }
    self.root = root
    database = try TwinDatabase(path: root.appendingPathComponent("twin.sqlite").path, readOnly: readOnly)
    warehouse = SQLiteWarehouse(database: database)
    runs = SQLiteRunStore(database: database)
    traces = SQLiteTraceStore(database: database)
    jobs = SQLiteJobStore(database: database)
    datasets = SQLiteDatasetStore(database: database)
    models = SQLiteModelRegistry(database: database)
    experiments = SQLiteExperimentStore(database: database)
    blobs = try ArtifactBlobStore(root: root.appendingPathComponent("artifacts"), create: !readOnly)
    vectors = try SQLiteVectorStore(
      directory: root.appendingPathComponent("vectors", isDirectory: true), readOnly: readOnly)
  }

  /// Checks that the feature store was built from this warehouse, and binds a store that was
  /// never bound (a new one, or one from before stores were bound).
  ///
  /// The feature store may hold the only copy left of the cleaned documents: if `twin.sqlite`
  /// was deleted or replaced, an incremental feature run would see an empty warehouse and delete
  /// everything. A store bound to another warehouse is refused unless `rebuilding` (`--full`),
  /// which rebuilds it from this warehouse and binds it here.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` explaining the mismatch and the ways out.
  public func bindFeatureStore(rebuilding: Bool) async throws {
    let id = try await database.workspaceID()
    guard let owner = try await vectors.owner(), owner != id, !rebuilding else {
      try await vectors.setOwner(id)
      return
    }
    throw TwinError.invalidInput(
      "the feature store in \(vectors.snapshotDirectory.path) was built from another warehouse "
        + "(workspace \(owner)), not from \(database.path) (workspace \(id)): the warehouse was replaced or "
        + "lost, and an incremental run would delete features that may be the only copy left. Restore the "
        + "original twin.sqlite, or rebuild the store from this warehouse with `twin features --full`")
  }

  /// Moves a broken feature store aside (to `vectors.broken-<time>`) so the next feature run
  /// builds a new one; returns where it went.
  public static func moveFeatureStoreAside(root: URL) throws -> URL? {
    let directory = root.appendingPathComponent("vectors", isDirectory: true)
    guard FileManager.default.fileExists(atPath: directory.path) else { return nil }
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "")
    let aside = root.appendingPathComponent("vectors.broken-\(stamp)", isDirectory: true)
    do {
      try FileManager.default.moveItem(at: directory, to: aside)
    } catch {
      throw TwinError.storage("cannot move \(directory.path) aside: \(error.localizedDescription)")
    }
    return aside
  }
}
