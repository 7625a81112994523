import Foundation
import TwinCore
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

  /// Opens the workspace at `path`, creating it when absent.
  public init(path: String) throws {
    let root = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: root.path, isDirectory: &isDirectory), !isDirectory.boolValue {
      throw TwinError.configuration("workspace \(root.path) exists and is not a directory")
    }
    do {
      try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    } catch {
      throw TwinError.storage("cannot create the workspace \(root.path): \(error.localizedDescription)")
    }
    self.root = root
    database = try TwinDatabase(path: root.appendingPathComponent("twin.sqlite").path)
    warehouse = SQLiteWarehouse(database: database)
    runs = SQLiteRunStore(database: database)
    traces = SQLiteTraceStore(database: database)
    jobs = SQLiteJobStore(database: database)
    blobs = try ArtifactBlobStore(root: root.appendingPathComponent("artifacts"))
    vectors = try SQLiteVectorStore(directory: root.appendingPathComponent("vectors", isDirectory: true))
  }
}
