import Foundation
import GRDB
import Synchronization
import TwinCore
import TwinVectorIndex

/// The embedded vector store: collections of points in SQLite, searched through in-memory HNSW
/// graphs (or exactly, when a collection or a filter's candidates are small).
///
/// - Durability: every ``write(_:)`` is one SQLite transaction (WAL), so a process killed at any
///   moment leaves the state before or after the batch. The graphs are derived data: they are
///   caught up from the rows on first use and after each write, and snapshotted to
///   `<directory>/<collection>.hnsw` so large collections open quickly.
/// - Concurrency: searches run while a write is being applied (they see the state of the last
///   applied batch); other processes' writes are picked up on the next call.
public final class SQLiteVectorStore: VectorStore {
  /// `vectors.sqlite`, opened on first use: commands that only read the warehouse never touch
  /// the feature store, so a broken store cannot block them.
  private let opened = Mutex<VectorDatabase?>(nil)
  private let databasePath: String
  /// Opened for reading only: no file is created or written, snapshots included.
  public let readOnly: Bool
  /// Where graph snapshots live.
  public let snapshotDirectory: URL
  private let loaded = Mutex<[String: LoadedCollection]>([:])
  /// Serialises first loads so two callers do not build the same graph twice.
  private let loading = Mutex<Void>(())

  /// Opens (creating when absent) the store in `directory`: `vectors.sqlite` and the snapshots.
  /// `readOnly` opens an existing store and never writes (searches work; writes fail).
  public init(directory: URL, readOnly: Bool = false) throws {
    self.readOnly = readOnly
    if !readOnly {
      do {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
      } catch {
        throw TwinError.storage("cannot create the vector store directory \(directory.path): \(error.localizedDescription)")
      }
    }
    snapshotDirectory = directory
    databasePath = directory.appendingPathComponent("vectors.sqlite").path
  }

  /// The store's database, opened (and migrated) by the first caller.
  ///
  /// - Throws: ``TwinError/storage(_:)`` that says how to rebuild a store that cannot be opened.
  var database: VectorDatabase {
    get throws {
      try opened.withLock { opened in
        if let opened { return opened }
        do {
          let database = try VectorDatabase(path: databasePath, readOnly: readOnly)
          opened = database
          return database
        } catch {
          throw TwinError.storage(
            "\(error). The feature store is derived from the warehouse: `twin features --rebuild-store` "
              + "moves it aside and builds it again")
        }
      }
    }
  }

  // MARK: Owner

  /// The workspace this store was built from, or nil for a store never bound to one.
  public func owner() async throws -> String? {
    try await database.pool.read { db in try String.fetchOne(db, sql: "SELECT workspace_id FROM owner LIMIT 1") }
  }

  /// Records the workspace this store is built from.
  public func setOwner(_ workspaceID: String) async throws {
    try await database.pool.write { db in
      try db.execute(sql: "DELETE FROM owner")
      try db.execute(sql: "INSERT INTO owner (workspace_id) VALUES (?)", arguments: [workspaceID])
    }
  }

  // MARK: Collections

  public func createCollection(_ spec: VectorCollectionSpec) async throws {
    guard Self.isValidName(spec.name) else {
      throw TwinError.invalidInput("collection name '\(spec.name)': use letters, digits, '_' and '-'")
    }
    guard spec.dimension >= 0, spec.hnsw.m >= 2, spec.hnsw.efConstruction >= 1, spec.hnsw.efSearch >= 1 else {
      throw TwinError.invalidInput("collection '\(spec.name)': dimension, m, ef_construction and ef_search must be positive")
    }
    try await database.pool.write { db in
      if let existing = try CollectionRecord.fetch(db, name: spec.name) {
        guard existing.spec.dimension == spec.dimension, existing.spec.distance == spec.distance else {
          throw TwinError.invalidInput(
            "collection '\(spec.name)' exists with dimension \(existing.spec.dimension) and \(existing.spec.distance.rawValue) distance; asked for \(spec.dimension) and \(spec.distance.rawValue) (drop it first, e.g. `twin features --full`)"
          )
        }
        // The search width may change at any time; M and efConstruction only affect new links.
        try db.execute(
          sql: "UPDATE collections SET m = ?, ef_construction = ?, ef_search = ? WHERE name = ?",
          arguments: [spec.hnsw.m, spec.hnsw.efConstruction, spec.hnsw.efSearch, spec.name])
        return
      }
      try db.execute(
        sql: """
          INSERT INTO collections (name, dimension, distance, m, ef_construction, ef_search, epoch, generation)
          VALUES (?, ?, ?, ?, ?, ?, ?, 0)
          """,
        arguments: [
          spec.name, spec.dimension, spec.distance.rawValue, spec.hnsw.m, spec.hnsw.efConstruction,
          spec.hnsw.efSearch, UUID().uuidString,
        ])
    }
  }

  public func collections() async throws -> [VectorCollectionSpec] {
    try await database.pool.read { db in
      try Row.fetchAll(db, sql: "SELECT * FROM collections ORDER BY name").map { try CollectionRecord(row: $0).spec }
    }
  }

  public func dropCollection(_ name: String) async throws {
    try await database.pool.write { db in
      try db.execute(sql: "DELETE FROM points WHERE collection = ?", arguments: [name])
      try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [name])
    }
    _ = loaded.withLock { $0.removeValue(forKey: name) }
    try? FileManager.default.removeItem(at: snapshotURL(name))
  }

  public func replaceCollections(_ replacements: [String: String]) async throws {
    guard !replacements.isEmpty else { return }
    try await database.pool.write { db in
      for (target, staging) in replacements.sorted(by: { $0.key < $1.key }) {
        guard try CollectionRecord.fetch(db, name: staging) != nil else {
          throw TwinError.notFound(kind: .collection, name: "'\(staging)'")
        }
        try db.execute(sql: "DELETE FROM points WHERE collection = ?", arguments: [target])
        try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [target])
        // The staging row under the target's name (its epoch and generation kept, so its
        // snapshot stays valid), then its points, then the staging row: the points' foreign
        // key always has a row to point at.
        try db.execute(
          sql: """
            INSERT INTO collections (name, dimension, distance, m, ef_construction, ef_search, epoch, generation)
            SELECT ?, dimension, distance, m, ef_construction, ef_search, epoch, generation
            FROM collections WHERE name = ?
            """,
          arguments: [target, staging])
        try db.execute(sql: "UPDATE points SET collection = ? WHERE collection = ?", arguments: [target, staging])
        try db.execute(sql: "DELETE FROM collections WHERE name = ?", arguments: [staging])
      }
    }
    for (target, staging) in replacements {
      _ = loaded.withLock { loaded in
        loaded.removeValue(forKey: staging)
        return loaded.removeValue(forKey: target)
      }
      try? FileManager.default.removeItem(at: snapshotURL(target))
      try? FileManager.default.moveItem(at: snapshotURL(staging), to: snapshotURL(target))
    }
  }

  // MARK: Writing

  public func write(_ batch: VectorWriteBatch) async throws {
    guard !batch.isEmpty else { return }
    try await database.pool.write { db in
      var records: [String: CollectionRecord] = [:]
      func record(_ name: String) throws -> CollectionRecord {
        if let cached = records[name] { return cached }
        guard var found = try CollectionRecord.fetch(db, name: name) else {
          throw TwinError.notFound(kind: .collection, name: "'\(name)'")
        }
        found.generation += 1
        try db.execute(
          sql: "UPDATE collections SET generation = ? WHERE name = ?", arguments: [found.generation, name])
        records[name] = found
        return found
      }
      for operation in batch.operations {
        switch operation {
        case .upsert(let collection, let points):
          let target = try record(collection)
          for point in points {
            let blob = try Self.validatedVector(point, in: target.spec)
            try db.execute(
              sql: """
                INSERT INTO points (collection, id, seq, vector, payload) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (collection, id) DO UPDATE SET seq = excluded.seq, vector = excluded.vector,
                  payload = excluded.payload
                """,
              arguments: [collection, point.id, target.generation, blob, PayloadJSON.encode(point.payload)])
          }
        case .delete(let collection, let ids):
          _ = try record(collection)
          for id in ids {
            try db.execute(sql: "DELETE FROM points WHERE collection = ? AND id = ?", arguments: [collection, id])
          }
        }
      }
    }
    // Committed. Bring loaded graphs up to date now, so the cost is paid by the writer (off the
    // cooperative pool: adding thousands of points to a graph takes a while).
    let touched = Set(batch.operations.map(\.collection))
    for name in touched {
      if let collection = loaded.withLock({ $0[name] }) {
        try await BlockingWork.run {
          try collection.catchUp(from: self.database, wait: true)
          if !self.readOnly, let snapshot = collection.snapshotIfDue(force: false) { try self.save(snapshot, name: name) }
        }
      }
    }
  }

  /// Writes the snapshots of collections changed since their last one, so the next process
  /// opens them without replaying. Call at the end of a bulk load.
  public func flush() async throws {
    for (name, collection) in loaded.withLock({ $0 }) {
      try await BlockingWork.run {
        try collection.catchUp(from: self.database, wait: true)
        if let snapshot = collection.snapshotIfDue(force: true) { try self.save(snapshot, name: name) }
      }
    }
  }

  // MARK: Reading

  public func points(in collection: String, filter: PayloadFilter?, withVectors: Bool) async throws -> [VectorPoint] {
    let (clause, arguments) = Self.whereClause(collection: collection, filter: filter)
    return try await database.pool.read { db in
      guard let record = try CollectionRecord.fetch(db, name: collection) else {
        throw TwinError.notFound(kind: .collection, name: "'\(collection)'")
      }
      let columns = withVectors ? "id, payload, vector" : "id, payload"
      return try Row.fetchAll(db, sql: "SELECT \(columns) FROM points WHERE \(clause) ORDER BY id", arguments: arguments)
        .map { row in
          let id: String = row["id"]
          var vector: [Float]?
          if withVectors, let blob: Data = row["vector"] {
            vector = try VectorBlob.decode(blob, dimension: record.spec.dimension, id: id)
          }
          return VectorPoint(id: id, vector: vector, payload: try PayloadJSON.decode(row["payload"], id: id))
        }
    }
  }

  public func count(in collection: String, filter: PayloadFilter?) async throws -> Int {
    let (clause, arguments) = Self.whereClause(collection: collection, filter: filter)
    return try await database.pool.read { db in
      guard try CollectionRecord.fetch(db, name: collection) != nil else {
        throw TwinError.notFound(kind: .collection, name: "'\(collection)'")
      }
      return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE \(clause)", arguments: arguments) ?? 0
    }
  }

  public func search(
    in collection: String, vector: [Float], k: Int, filter: PayloadFilter?, efSearch: Int?
  ) async throws -> [ScoredPoint] {
    guard k > 0 else { return [] }
    let loadedCollection = try await load(collection)
    guard vector.count == loadedCollection.spec.dimension else {
      throw TwinError.invalidInput(
        "query vector has \(vector.count) dimensions; collection '\(collection)' holds \(loadedCollection.spec.dimension)")
    }
    guard vector.allSatisfy(\.isFinite) else { throw TwinError.invalidInput("query vector has a NaN or infinite value") }
    // Another process may have written since; never block a search on catching up, though.
    let hits = try await BlockingWork.run {
      try loadedCollection.catchUp(from: self.database, wait: false)
      return loadedCollection.search(vector, k: k, filter: filter, efSearch: efSearch)
    }
    guard !hits.isEmpty else { return [] }
    let payloads = try await database.pool.read { db in
      var found: [String: String] = [:]
      let marks = Array(repeating: "?", count: hits.count).joined(separator: ",")
      let rows = try Row.fetchAll(
        db, sql: "SELECT id, payload FROM points WHERE collection = ? AND id IN (\(marks))",
        arguments: StatementArguments([collection] + hits.map(\.id)))
      for row in rows { found[row["id"]] = row["payload"] }
      return found
    }
    let metric = loadedCollection.spec.distance.indexMetric
    return try hits.compactMap { hit in
      guard let payload = payloads[hit.id] else { return nil }
      return ScoredPoint(
        point: VectorPoint(id: hit.id, payload: try PayloadJSON.decode(payload, id: hit.id)),
        score: metric.similarity(fromDistance: hit.distance), collection: collection)
    }
  }

  // MARK: Loading graphs

  /// The collection's in-memory state, loading it on first use: from its snapshot when one is
  /// usable, then caught up with the rows.
  func load(_ name: String) async throws -> LoadedCollection {
    if let ready = loaded.withLock({ $0[name] }) { return ready }
    guard let record = try await database.pool.read({ db in try CollectionRecord.fetch(db, name: name) }) else {
      throw TwinError.notFound(kind: .collection, name: "'\(name)'")
    }
    guard record.spec.dimension > 0 else {
      throw TwinError.invalidInput("collection '\(name)' holds payloads only; it cannot be searched by vector")
    }
    // Restoring a snapshot or building a graph from the rows can take seconds, and waiting for
    // another caller's load blocks: both happen off the cooperative pool.
    return try await BlockingWork.run {
      try self.loading.withLock { _ in
        if let ready = self.loaded.withLock({ $0[name] }) { return ready }
        let collection = self.restore(record) ?? LoadedCollection(spec: record.spec, epoch: record.epoch)
        try collection.catchUp(from: self.database, wait: true)
        if !self.readOnly, let snapshot = collection.snapshotIfDue(force: false) { try self.save(snapshot, name: name) }
        self.loaded.withLock { $0[name] = collection }
        return collection
      }
    }
  }

  private func restore(_ record: CollectionRecord) -> LoadedCollection? {
    let url = snapshotURL(record.spec.name)
    guard let data = try? Data(contentsOf: url) else { return nil }
    guard let snapshot = try? CollectionSnapshot(decoding: [UInt8](data), file: url.path),
      snapshot.epoch == record.epoch, snapshot.generation <= record.generation,
      snapshot.index.dimension == record.spec.dimension
    else {
      // Damaged or belonging to an older incarnation of the collection: rebuild from the rows.
      try? FileManager.default.removeItem(at: url)
      return nil
    }
    return LoadedCollection(spec: record.spec, epoch: record.epoch, snapshot: snapshot)
  }

  private func save(_ snapshot: CollectionSnapshot, name: String) throws {
    try AtomicFile.write(Data(snapshot.encoded()), to: snapshotURL(name))
  }

  func snapshotURL(_ name: String) -> URL { snapshotDirectory.appendingPathComponent("\(name).hnsw") }

  // MARK: Helpers

  static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 128
      && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || $0 == "_" || $0 == "-" }
  }

  static func validatedVector(_ point: VectorPoint, in spec: VectorCollectionSpec) throws -> Data? {
    guard !point.id.isEmpty else { throw TwinError.invalidInput("a point in '\(spec.name)' has an empty id") }
    guard spec.dimension > 0 else {
      guard point.vector == nil else {
        throw TwinError.invalidInput("point '\(point.id)': collection '\(spec.name)' holds payloads only")
      }
      return nil
    }
    guard let vector = point.vector else {
      throw TwinError.invalidInput("point '\(point.id)' has no vector; collection '\(spec.name)' needs \(spec.dimension)")
    }
    guard vector.count == spec.dimension else {
      throw TwinError.invalidInput(
        "point '\(point.id)' has \(vector.count) dimensions; collection '\(spec.name)' holds \(spec.dimension)")
    }
    guard vector.allSatisfy(\.isFinite) else {
      throw TwinError.invalidInput("point '\(point.id)' has a NaN or infinite vector component")
    }
    return VectorBlob.encode(vector)
  }

  /// SQL for a collection and a payload filter, on the JSON payload column.
  static func whereClause(collection: String, filter: PayloadFilter?) -> (String, StatementArguments) {
    var sql = "collection = ?"
    var arguments: [any DatabaseValueConvertible] = [collection]
    for condition in filter?.conditions ?? [] {
      let values = condition.accepted.compactMap(Self.sqlValue)
      let path = "$.\"" + condition.key.replacingOccurrences(of: "\"", with: "") + "\""
      if values.isEmpty {
        sql += " AND 0"
        continue
      }
      sql += " AND json_extract(payload, ?) IN (\(Array(repeating: "?", count: values.count).joined(separator: ",")))"
      arguments.append(path)
      arguments += values
    }
    return (sql, StatementArguments(arguments))
  }

  static func sqlValue(_ value: JSONValue) -> (any DatabaseValueConvertible)? {
    switch value {
    case .string(let s): s
    case .int(let i): i
    case .bool(let b): b ? 1 : 0
    case .double(let d): d
    default: nil
    }
  }
}

extension VectorWriteBatch.Operation {
  var collection: String {
    switch self {
    case .upsert(let collection, _), .delete(let collection, _): collection
    }
  }
}
