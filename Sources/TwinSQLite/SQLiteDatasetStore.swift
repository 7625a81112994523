import Foundation
import GRDB
import TwinCore

/// The embedded dataset store: versions in `datasets`, their samples in `dataset_samples`, in
/// the workspace database. A version is written with all its samples in one transaction, so a
/// killed run leaves either the whole version or none of it.
public struct SQLiteDatasetStore: DatasetStore {
  let database: TwinDatabase

  public init(database: TwinDatabase) {
    self.database = database
  }

  public func save(_ dataset: NewDataset) async throws -> (version: DatasetVersion, created: Bool) {
    guard DatasetReference.isValidName(dataset.name) else {
      throw TwinError.invalidInput(
        "'\(dataset.name)' is not a dataset name: use letters, digits, '-', '_' and '.', up to 64 characters")
    }
    for (index, sample) in dataset.samples.enumerated() {
      switch (dataset.kind, sample.rejected) {
      case (.preference, nil):
        throw TwinError.invalidInput("sample \(index + 1) of preference dataset '\(dataset.name)' has no rejected answer")
      case (.instruct, .some):
        throw TwinError.invalidInput("sample \(index + 1) of instruct dataset '\(dataset.name)' has a rejected answer")
      default: break
      }
    }
    let hash = DatasetVersion.contentHash(kind: dataset.kind, samples: dataset.samples)
    let counts = DatasetVersion.counts(of: dataset.samples)
    return try await database.pool.write { db in
      let latest = try Row.fetchOne(
        db, sql: "SELECT * FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [dataset.name]
      ).map(Self.version)
      if let latest {
        guard latest.kind == dataset.kind else {
          throw TwinError.invalidInput(
            "dataset '\(dataset.name)' holds \(latest.kind) data; a \(dataset.kind) dataset needs another name")
        }
        if latest.contentHash == hash { return (latest, false) }
      }
      let version = DatasetVersion(
        name: dataset.name, version: (latest?.version ?? 0) + 1, kind: dataset.kind, contentHash: hash,
        createdAt: Date(), runID: dataset.runID, lineage: dataset.lineage, counts: counts)
      try db.execute(
        sql: """
          INSERT INTO datasets (name, version, kind, content_hash, created_at, run_id, lineage, counts)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?)
          """,
        arguments: [
          version.name, version.version, version.kind.rawValue, hash, version.createdAt.storedValue,
          version.runID?.uuidString.lowercased(), version.lineage.canonicalJSON, try Self.encode(counts),
        ])
      let insert = try db.makeStatement(
        sql: """
          INSERT INTO dataset_samples
            (name, version, position, split, category, instruction, answer, rejected, document_id, extract_id, feedback_id)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
          """)
      for (position, sample) in dataset.samples.enumerated() {
        try insert.execute(arguments: [
          version.name, version.version, position, sample.split.rawValue, sample.category.rawValue, sample.instruction,
          sample.answer, sample.rejected, sample.source.documentID?.uuidString.lowercased(), sample.source.extractID,
          sample.source.feedbackID,
        ])
      }
      return (version, true)
    }
  }

  public func versions(name: String?) async throws -> [DatasetVersion] {
    try await database.pool.read { db in
      if let name {
        return try Row.fetchAll(db, sql: "SELECT * FROM datasets WHERE name = ? ORDER BY version DESC", arguments: [name])
          .map(Self.version)
      }
      return try Row.fetchAll(db, sql: "SELECT * FROM datasets ORDER BY created_at DESC, name, version DESC")
        .map(Self.version)
    }
  }

  public func version(_ reference: DatasetReference) async throws -> DatasetVersion {
    if let alias = reference.alias {
      throw TwinError.invalidInput(
        "'\(reference)': datasets have numbered versions, not aliases ('\(alias)'); write \(reference.name)@N or \(reference.name)@latest")
    }
    let found = try await database.pool.read { db in
      if let number = reference.version {
        return try Row.fetchOne(
          db, sql: "SELECT * FROM datasets WHERE name = ? AND version = ?", arguments: [reference.name, number]
        ).map(Self.version)
      }
      return try Row.fetchOne(
        db, sql: "SELECT * FROM datasets WHERE name = ? ORDER BY version DESC LIMIT 1", arguments: [reference.name]
      ).map(Self.version)
    }
    if let found { return found }
    let latest = try await versions(name: reference.name).first?.version
    let names = latest == nil ? Set(try await versions(name: nil).map(\.name)).sorted() : []
    throw VersionNotFound.error(
      reference, kind: .dataset, latest: latest, names: names,
      noneYet: "there are no datasets yet: `twin datasets generate` makes one", known: "known datasets")
  }

  public func samples(of version: DatasetVersion, split: DatasetSplit?, limit: Int?) async throws -> [DatasetSample] {
    try await database.pool.read { db in
      var sql = "SELECT * FROM dataset_samples WHERE name = ? AND version = ?"
      var arguments: StatementArguments = [version.name, version.version]
      if let split {
        sql += " AND split = ?"
        _ = arguments.append(contentsOf: [split.rawValue])
      }
      sql += " ORDER BY position"
      if let limit {
        sql += " LIMIT ?"
        _ = arguments.append(contentsOf: [max(0, limit)])
      }
      return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.sample)
    }
  }

  public func usedFeedbackIDs() async throws -> Set<Int64> {
    try await database.pool.read { db in
      Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT feedback_id FROM dataset_samples WHERE feedback_id IS NOT NULL"))
    }
  }

  private static func encode(_ counts: [DatasetSplit: [DocumentCategory: Int]]) throws -> String {
    String(decoding: try JSONEncoder.sorted.encode(counts), as: UTF8.self)
  }

  private static func version(_ row: Row) throws -> DatasetVersion {
    let name: String = row["name"]
    guard let kind = DatasetKind(rawValue: row["kind"]) else {
      throw TwinError.storage("dataset '\(name)' has the unknown kind '\(row["kind"] as String)'")
    }
    let counts: [DatasetSplit: [DocumentCategory: Int]]
    let lineage: JSONValue
    do {
      counts = try JSONDecoder().decode([DatasetSplit: [DocumentCategory: Int]].self, from: Data((row["counts"] as String).utf8))
      lineage = try JSONDecoder().decode(JSONValue.self, from: Data((row["lineage"] as String).utf8))
    } catch {
      throw TwinError.storage("dataset '\(name)' has unreadable counts or lineage: \(error)")
    }
    return DatasetVersion(
      name: name, version: row["version"], kind: kind, contentHash: row["content_hash"],
      createdAt: Date(stored: row["created_at"]), runID: (row["run_id"] as String?).flatMap(UUID.init(uuidString:)),
      lineage: lineage, counts: counts)
  }

  private static func sample(_ row: Row) throws -> DatasetSample {
    guard let split = DatasetSplit(rawValue: row["split"]), let category = DocumentCategory(rawValue: row["category"])
    else {
      throw TwinError.storage("a sample of dataset '\(row["name"] as String)' has an unknown split or category")
    }
    return DatasetSample(
      instruction: row["instruction"], answer: row["answer"], rejected: row["rejected"], category: category,
      split: split,
      source: SampleSource(
        documentID: (row["document_id"] as String?).flatMap(UUID.init(uuidString:)), extractID: row["extract_id"],
        feedbackID: row["feedback_id"]))
  }
}

extension JSONEncoder {
  /// Sorted keys: stored JSON is the same for the same value.
  static var sorted: JSONEncoder {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    return encoder
  }
}
