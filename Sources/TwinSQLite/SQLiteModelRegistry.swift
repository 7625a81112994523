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
    let found = try await database.pool.read { db in
      if let number = reference.version {
        return try Row.fetchOne(
          db, sql: "SELECT * FROM model_versions WHERE name = ? AND version = ?", arguments: [reference.name, number]
        ).map(Self.version)
      }
      return try Row.fetchOne(
        db, sql: "SELECT * FROM model_versions WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [reference.name]
      ).map(Self.version)
    }
    if let found { return found }
    let latest = try await versions(name: reference.name).first?.version
    let names = latest == nil ? Set(try await versions(name: nil).map(\.name)).sorted() : []
    throw VersionNotFound.error(
      reference, kind: .model, latest: latest, names: names,
      noneYet: "no model is trained yet: `twin train sft` trains one", known: "trained models")
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
