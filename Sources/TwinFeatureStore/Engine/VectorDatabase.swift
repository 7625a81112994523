import Foundation
import GRDB
import TwinCore

/// The SQLite file behind the embedded vector store: collections and their points.
///
/// It is the store's source of truth. Each write batch is one SQLite transaction that also bumps
/// the generation of every collection it touches; every point records the generation that last
/// wrote it (`seq`). The in-memory HNSW graphs are derived from these rows and can always be
/// rebuilt or caught up from them, which is what makes a killed writer harmless.
final class VectorDatabase: Sendable {
  let pool: any DatabaseWriter
  let path: String

  /// Opens the store's file, creating and migrating it; `readOnly` opens an existing one
  /// without writing.
  init(path: String, readOnly: Bool = false) throws {
    self.path = path
    pool = try DatabaseOpening.openMigrated(
      path: path, label: "twin.vectors", readOnly: readOnly, migrator: Self.migrator, what: "the vector store",
      upgrade: "run `twin features` once to upgrade it")
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: collections and points") { db in
      try db.execute(
        sql: """
          CREATE TABLE collections (
            name TEXT PRIMARY KEY NOT NULL,
            dimension INTEGER NOT NULL,
            distance TEXT NOT NULL,
            m INTEGER NOT NULL,
            ef_construction INTEGER NOT NULL,
            ef_search INTEGER NOT NULL,
            epoch TEXT NOT NULL,
            generation INTEGER NOT NULL DEFAULT 0
          );
          CREATE TABLE points (
            collection TEXT NOT NULL REFERENCES collections(name) ON DELETE CASCADE,
            id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            vector BLOB,
            payload TEXT NOT NULL,
            UNIQUE (collection, id)
          );
          CREATE INDEX points_by_seq ON points(collection, seq);
          """)
    }
    migrator.registerMigration("v2: owner") { db in
      // The workspace (warehouse) this store was built from; see `Workspace.bindFeatureStore`.
      try db.execute(sql: "CREATE TABLE owner (workspace_id TEXT NOT NULL)")
    }
    return migrator
  }
}

/// A collection row.
struct CollectionRecord: Sendable {
  var spec: VectorCollectionSpec
  /// Changes when the collection is dropped and created again, so an old snapshot is never
  /// mistaken for the new collection's.
  var epoch: String
  var generation: Int64

  init(row: Row) throws {
    let name: String = row["name"]
    guard let distance = VectorDistance(rawValue: row["distance"]) else {
      throw TwinError.storage("collection '\(name)' has an unknown distance '\(row["distance"] as String)'")
    }
    spec = VectorCollectionSpec(
      name: name, dimension: row["dimension"], distance: distance,
      hnsw: HNSWSettings(m: row["m"], efConstruction: row["ef_construction"], efSearch: row["ef_search"]))
    epoch = row["epoch"]
    generation = row["generation"]
  }

  static func fetch(_ db: Database, name: String) throws -> CollectionRecord? {
    try Row.fetchOne(db, sql: "SELECT * FROM collections WHERE name = ?", arguments: [name]).map(CollectionRecord.init)
  }
}

/// Vectors are stored as little-endian float32 blobs: compact and copied straight to memory.
enum VectorBlob {
  static func encode(_ vector: [Float]) -> Data {
    vector.withUnsafeBufferPointer { Data(buffer: $0) }
  }

  static func decode(_ data: Data, dimension: Int, id: String) throws -> [Float] {
    guard data.count == dimension * MemoryLayout<Float>.size else {
      throw TwinError.storage("point '\(id)' has a \(data.count)-byte vector; expected \(dimension) floats")
    }
    return data.withUnsafeBytes { raw in Array(raw.bindMemory(to: Float.self)) }
  }
}

/// Payloads are stored as canonical JSON text.
enum PayloadJSON {
  static func encode(_ payload: [String: JSONValue]) -> String { JSONValue.object(payload).canonicalJSON }

  static func decode(_ text: String, id: String) throws -> [String: JSONValue] {
    guard case .object(let object) = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) else {
      throw TwinError.storage("point '\(id)' has a payload that is not a JSON object")
    }
    return object
  }
}
