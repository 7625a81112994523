import Foundation
import GRDB
import TwinCore

/// The embedded model registry: trained model versions in `model_versions`, in the workspace
/// database; their files are in the workspace's blob store.
public struct SQLiteModelRegistry: ModelRegistry {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func register(_ model: NewModelVersion) async throws -> (version: ModelVersion, created: Bool) {
    guard ModelReference.isValidName(model.name) else {
      throw TwinError.invalidInput(
        "'\(model.name)' is not a model name: use letters, digits, '-', '_' and '.', up to 64 characters")
    }
    return try await database.pool.write { db in
      let latest = try Row.fetchOne(
        db, sql: "SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [model.name]
      ).map(Self.version)
      if let latest, latest.files == model.files { return (latest, false) }
      let version = ModelVersion(
        name: model.name, version: (latest?.version ?? 0) + 1, method: model.method, baseModel: model.baseModel,
        parent: model.parent, dataset: model.dataset, runID: model.runID, files: model.files, lineage: model.lineage,
        metrics: model.metrics, createdAt: Date())
      try db.execute(
        sql: """
          INSERT INTO model_versions
            (name, version, method, base_model, parent, dataset, run_id, files, lineage, metrics, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          version.name, version.version, version.method.rawValue, version.baseModel, version.parent, version.dataset,
          version.runID?.uuidString.lowercased(), String(decoding: try JSONEncoder.sorted.encode(version.files), as: UTF8.self),
          version.lineage.canonicalJSON, version.metrics.canonicalJSON, version.createdAt.storedValue,
        ])
      return (version, true)
    }
  }

  public func versions(name: String?) async throws -> [ModelVersion] {
    try await database.pool.read { db in
      if let name {
        return try Row.fetchAll(db, sql: "SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC", arguments: [name])
          .map(Self.version)
      }
      return try Row.fetchAll(db, sql: "SELECT * FROM model_versions ORDER BY created_at DESC, name, version DESC")
        .map(Self.version)
    }
  }

  public func version(_ reference: ModelReference) async throws -> ModelVersion {
    let found = try await database.pool.read { db in try Self.find(reference, db) }
    if let found { return found }
    try await throwNotFound(reference)
  }

  /// The version `reference` names, or nil.
  static func find(_ reference: ModelReference, _ db: Database) throws -> ModelVersion? {
    if let alias = reference.alias {
      return try Row.fetchOne(
        db,
        sql: """
          SELECT v.* FROM model_aliases a JOIN model_versions v ON v.name = a.name AND v.version = a.version
          WHERE a.name = ? AND a.alias = ?
          """, arguments: [reference.name, alias]
      ).map(Self.version)
    }
    if let number = reference.version {
      return try Row.fetchOne(
        db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ?", arguments: [reference.name, number]
      ).map(Self.version)
    }
    return try Row.fetchOne(
      db, sql: "SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [reference.name]
    ).map(Self.version)
  }

  private func throwNotFound(_ reference: ModelReference) async throws -> Never {
    let latest = try await versions(name: reference.name).first?.version
    if let alias = reference.alias, latest != nil {
      let known = try await aliases(of: reference.name).map(\.alias)
      throw TwinError.notFound(
        kind: .model, name: reference.description,
        hint: known.isEmpty
          ? "'\(reference.name)' has no aliases yet: `twin registry alias \(reference.name)@N \(alias)` sets one"
          : "'\(reference.name)' has the aliases \(known.joined(separator: ", "))")
    }
    let names = latest == nil ? Set(try await versions(name: nil).map(\.name)).sorted() : []
    throw VersionNotFound.error(
      reference, kind: .model, latest: latest, names: names,
      noneYet: "no model is trained yet: `twin train sft` trains one", known: "trained models")
  }

  public func setAlias(_ alias: String, to reference: ModelReference) async throws -> (alias: ModelAlias, previous: Int?) {
    guard ModelReference.isValidAlias(alias) else {
      throw TwinError.invalidInput(
        "'\(alias)' is not an alias: a letter, then letters, digits, '-' or '_', up to 32 characters (and not 'latest')")
    }
    let result: (ModelAlias, Int?)? = try await database.pool.write { db in
      guard let target = try Self.find(reference, db) else { return nil }
      let previous = try Int.fetchOne(
        db, sql: "SELECT version FROM model_aliases WHERE name = ? AND alias = ?", arguments: [target.name, alias])
      let moved = ModelAlias(name: target.name, alias: alias, version: target.version, updatedAt: Date())
      try db.execute(
        sql: """
          INSERT INTO model_aliases (name, alias, version, updated_at) VALUES (?, ?, ?, ?)
          ON CONFLICT (name, alias) DO UPDATE SET version = excluded.version, updated_at = excluded.updated_at
          """, arguments: [moved.name, moved.alias, moved.version, moved.updatedAt.storedValue])
      return (moved, previous)
    }
    guard let result else { try await throwNotFound(reference) }
    return result
  }

  public func removeAlias(_ alias: String, of name: String) async throws -> Bool {
    try await database.pool.write { db in
      try db.execute(sql: "DELETE FROM model_aliases WHERE name = ? AND alias = ?", arguments: [name, alias])
      return db.changesCount > 0
    }
  }

  public func aliases(of name: String?) async throws -> [ModelAlias] {
    try await database.pool.read { db in
      let rows =
        if let name {
          try Row.fetchAll(db, sql: "SELECT * FROM model_aliases WHERE name = ? ORDER BY alias", arguments: [name])
        } else {
          try Row.fetchAll(db, sql: "SELECT * FROM model_aliases ORDER BY name, alias")
        }
      return rows.map {
        ModelAlias(name: $0["name"], alias: $0["alias"], version: $0["version"], updatedAt: Date(stored: $0["updated_at"]))
      }
    }
  }

  public func remove(_ reference: ModelReference) async throws -> ModelVersion {
    let outcome: Result<ModelVersion, TwinError>? = try await database.pool.write { db in
      guard let target = try Self.find(reference, db) else { return nil }
      let pinned = try String.fetchAll(
        db, sql: "SELECT alias FROM model_aliases WHERE name = ? AND version = ? ORDER BY alias",
        arguments: [target.name, target.version])
      guard pinned.isEmpty else {
        return .failure(
          .invalidInput(
            "\(target.label) is what \(pinned.map { "\(target.name)@\($0)" }.joined(separator: " and ")) points to: "
              + "move the alias to another version first (`twin registry alias`)"))
      }
      try db.execute(
        sql: "DELETE FROM model_versions WHERE name = ? AND version = ?", arguments: [target.name, target.version])
      return .success(target)
    }
    guard let outcome else { try await throwNotFound(reference) }
    return try outcome.get()
  }

  public func record(_ evaluation: ModelEvaluationRecord) async throws {
    let metrics = String(decoding: try JSONEncoder.sorted.encode(evaluation.metrics), as: UTF8.self)
    try await database.pool.write { db in
      try db.execute(
        sql: """
          INSERT INTO model_evaluations (model, dataset, run_id, metrics, created_at) VALUES (?, ?, ?, ?, ?)
          ON CONFLICT (model, run_id) DO UPDATE SET dataset = excluded.dataset, metrics = excluded.metrics
          """,
        arguments: [
          evaluation.model, evaluation.dataset, evaluation.runID.uuidString.lowercased(), metrics,
          evaluation.createdAt.storedValue,
        ])
    }
  }

  public func evaluations(of model: String?) async throws -> [ModelEvaluationRecord] {
    try await database.pool.read { db in
      let rows =
        if let model {
          try Row.fetchAll(
            db, sql: "SELECT * FROM model_evaluations WHERE model = ? ORDER BY created_at DESC", arguments: [model])
        } else {
          try Row.fetchAll(db, sql: "SELECT * FROM model_evaluations ORDER BY created_at DESC")
        }
      return try rows.map { row in
        let model: String = row["model"]
        guard let runID = UUID(uuidString: row["run_id"]),
          let metrics = try? JSONDecoder().decode(
            [EvaluationMetric: MetricSummary].self, from: Data((row["metrics"] as String).utf8))
        else { throw TwinError.storage("the evaluation of \(model) in run \(row["run_id"] as String) is unreadable") }
        return ModelEvaluationRecord(
          model: model, dataset: row["dataset"], runID: runID, metrics: metrics, createdAt: Date(stored: row["created_at"]))
      }
    }
  }

  private static func version(_ row: Row) throws -> ModelVersion {
    let name: String = row["name"]
    guard let method = TrainingMethod(rawValue: row["method"]) else {
      throw TwinError.storage("model '\(name)' has the unknown training method '\(row["method"] as String)'")
    }
    do {
      return ModelVersion(
        name: name, version: row["version"], method: method, baseModel: row["base_model"], parent: row["parent"],
        dataset: row["dataset"], runID: (row["run_id"] as String?).flatMap(UUID.init(uuidString:)),
        files: try JSONDecoder().decode(ModelFiles.self, from: Data((row["files"] as String).utf8)),
        lineage: try JSONDecoder().decode(JSONValue.self, from: Data((row["lineage"] as String).utf8)),
        metrics: try JSONDecoder().decode(JSONValue.self, from: Data((row["metrics"] as String).utf8)),
        createdAt: Date(stored: row["created_at"]))
    } catch {
      throw TwinError.storage("model '\(name)' has unreadable files, lineage or metrics: \(error)")
    }
  }
}
