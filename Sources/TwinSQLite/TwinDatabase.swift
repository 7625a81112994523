import Foundation
import GRDB
import TwinCore
import TwinFeatureStore

/// The workspace's SQLite database: the data warehouse and the pipeline metadata store.
///
/// It is opened as a GRDB `DatabasePool`, which puts SQLite in WAL mode: readers (say,
/// `twin runs list`) never block the writer of a running pipeline, and a crash mid-transaction
/// leaves the previous committed state.
public final class TwinDatabase: Sendable {
  /// The connection pool (or, for a read-only command on a read-only mount, one connection).
  public let pool: any DatabaseWriter
  public let path: String

  /// Opens (creating if needed) the database at `path` and migrates it to the current schema;
  /// or, `readOnly`, opens an existing one without ever writing to it (a read-only mount, a
  /// reader with no write permission), which needs its schema to be current already.
  public init(path: String, readOnly: Bool = false) throws {
    self.path = path
    pool = try DatabaseOpening.openMigrated(
      path: path, label: "twin", readOnly: readOnly, migrator: Self.migrator, what: "the database",
      upgrade: "run a command that writes to the workspace (such as `twin features`) once to upgrade it")
  }

  static var migrator: DatabaseMigrator {
    var migrator = DatabaseMigrator()
    migrator.registerMigration("v1: warehouse") { db in
      try db.execute(
        sql: """
          CREATE TABLE users (
            id TEXT PRIMARY KEY NOT NULL,
            first_name TEXT NOT NULL,
            last_name TEXT NOT NULL,
            full_name TEXT NOT NULL UNIQUE,
            created_at REAL NOT NULL
          );
          CREATE TABLE documents (
            id TEXT PRIMARY KEY NOT NULL,
            category TEXT NOT NULL CHECK (category IN ('articles', 'posts', 'repositories')),
            link TEXT UNIQUE,
            platform TEXT NOT NULL,
            author_id TEXT NOT NULL REFERENCES users(id),
            author_full_name TEXT NOT NULL,
            name TEXT,
            image TEXT,
            content TEXT NOT NULL,
            content_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL
          );
          CREATE INDEX documents_by_author_category ON documents(author_id, category);
          """)
    }
    migrator.registerMigration("v1: orchestrator") { db in
      try db.execute(
        sql: """
          CREATE TABLE pipeline_runs (
            id TEXT PRIMARY KEY NOT NULL,
            pipeline TEXT NOT NULL,
            parameters TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at REAL NOT NULL,
            ended_at REAL,
            error TEXT,
            owner_pid INTEGER NOT NULL,
            owner_start INTEGER NOT NULL,
            owner_host TEXT NOT NULL
          );
          CREATE INDEX pipeline_runs_by_start ON pipeline_runs(started_at);
          CREATE TABLE artifacts (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            size INTEGER NOT NULL,
            metadata TEXT NOT NULL,
            created_at REAL NOT NULL,
            producer_run_id TEXT NOT NULL REFERENCES pipeline_runs(id),
            producer_step TEXT NOT NULL,
            UNIQUE (name, version)
          );
          CREATE TABLE step_runs (
            id TEXT PRIMARY KEY NOT NULL,
            run_id TEXT NOT NULL REFERENCES pipeline_runs(id),
            name TEXT NOT NULL,
            code_version TEXT NOT NULL,
            cache_key TEXT NOT NULL,
            status TEXT NOT NULL,
            started_at REAL,
            ended_at REAL,
            error TEXT,
            output_artifact_id TEXT REFERENCES artifacts(id)
          );
          CREATE INDEX step_runs_by_run ON step_runs(run_id);
          CREATE INDEX step_runs_by_cache_key ON step_runs(cache_key, status);
          CREATE TABLE lineage (
            step_run_id TEXT NOT NULL REFERENCES step_runs(id),
            artifact_id TEXT NOT NULL REFERENCES artifacts(id),
            PRIMARY KEY (step_run_id, artifact_id)
          );
          """)
    }
    migrator.registerMigration("v1: traces") { db in
      try db.execute(
        sql: """
          CREATE TABLE traces (
            id TEXT PRIMARY KEY NOT NULL,
            name TEXT NOT NULL,
            started_at REAL NOT NULL,
            duration_ms REAL NOT NULL,
            status TEXT NOT NULL,
            input TEXT NOT NULL,
            output TEXT NOT NULL
          );
          CREATE INDEX traces_by_start ON traces(started_at);
          CREATE TABLE trace_spans (
            trace_id TEXT NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            name TEXT NOT NULL,
            started_at REAL NOT NULL,
            duration_ms REAL NOT NULL,
            input TEXT NOT NULL,
            output TEXT NOT NULL,
            attributes TEXT NOT NULL,
            status TEXT NOT NULL,
            error TEXT,
            PRIMARY KEY (trace_id, position)
          );
          CREATE TABLE feedback (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            trace_id TEXT NOT NULL REFERENCES traces(id) ON DELETE CASCADE,
            score REAL NOT NULL,
            comment TEXT,
            corrected_answer TEXT,
            created_at REAL NOT NULL
          );
          CREATE INDEX feedback_by_trace ON feedback(trace_id);
          """)
    }
    migrator.registerMigration("v1: jobs") { db in
      try db.execute(
        sql: """
          CREATE TABLE jobs (
            id TEXT PRIMARY KEY NOT NULL,
            kind TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed')),
            request TEXT NOT NULL,
            result TEXT,
            error TEXT,
            created_at REAL NOT NULL,
            updated_at REAL NOT NULL,
            attempts INTEGER NOT NULL
          );
          CREATE INDEX jobs_by_status ON jobs(kind, status, created_at);
          """)
    }
    migrator.registerMigration("v2: workspace identity") { db in
      // Made once, when the database is created: a warehouse replaced by an empty file (or
      // lost and recreated) gets a new identity, which the feature store notices.
      try db.execute(
        sql: "CREATE TABLE workspace (id TEXT NOT NULL, created_at REAL NOT NULL)")
      try db.execute(
        sql: "INSERT INTO workspace (id, created_at) VALUES (?, ?)",
        arguments: [UUID().uuidString.lowercased(), Date().storedValue])
    }
    migrator.registerMigration("v3: datasets") { db in
      // A version and its samples are written in one transaction; samples go with their version.
      try db.execute(
        sql: """
          CREATE TABLE datasets (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('instruct', 'preference')),
            content_hash TEXT NOT NULL,
            created_at REAL NOT NULL,
            run_id TEXT,
            lineage TEXT NOT NULL,
            counts TEXT NOT NULL,
            PRIMARY KEY (name, version)
          );
          CREATE TABLE dataset_samples (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            position INTEGER NOT NULL,
            split TEXT NOT NULL CHECK (split IN ('train', 'test')),
            category TEXT NOT NULL,
            instruction TEXT NOT NULL,
            answer TEXT NOT NULL,
            rejected TEXT,
            document_id TEXT,
            extract_id TEXT,
            feedback_id INTEGER,
            PRIMARY KEY (name, version, position),
            FOREIGN KEY (name, version) REFERENCES datasets(name, version) ON DELETE CASCADE
          );
          CREATE INDEX dataset_samples_by_feedback ON dataset_samples(feedback_id) WHERE feedback_id IS NOT NULL;
          """)
    }
    migrator.registerMigration("v4: model registry") { db in
      // Trained models: one row per version; the adapter files are blobs named by hash.
      try db.execute(
        sql: """
          CREATE TABLE model_versions (
            name TEXT NOT NULL,
            version INTEGER NOT NULL,
            method TEXT NOT NULL CHECK (method IN ('sft', 'dpo')),
            base_model TEXT NOT NULL,
            parent TEXT,
            dataset TEXT NOT NULL,
            run_id TEXT,
            files TEXT NOT NULL,
            lineage TEXT NOT NULL,
            metrics TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (name, version)
          )
          """)
    }
    migrator.registerMigration("v5: aliases, evaluations, experiments") { db in
      // An alias pins its version: the version cannot be deleted while an alias points to it.
      try db.execute(
        sql: """
          CREATE TABLE model_aliases (
            name TEXT NOT NULL,
            alias TEXT NOT NULL,
            version INTEGER NOT NULL,
            updated_at REAL NOT NULL,
            PRIMARY KEY (name, alias),
            FOREIGN KEY (name, version) REFERENCES model_versions(name, version) ON DELETE RESTRICT
          );
          CREATE TABLE model_evaluations (
            model TEXT NOT NULL,
            dataset TEXT NOT NULL,
            run_id TEXT NOT NULL,
            metrics TEXT NOT NULL,
            created_at REAL NOT NULL,
            PRIMARY KEY (model, run_id)
          );
          CREATE TABLE experiment_runs (
            id TEXT PRIMARY KEY,
            experiment TEXT NOT NULL,
            name TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed', 'interrupted')),
            parameters TEXT NOT NULL,
            inputs TEXT NOT NULL,
            pipeline_run_id TEXT,
            started_at REAL NOT NULL,
            ended_at REAL,
            owner_pid INTEGER NOT NULL,
            owner_start INTEGER NOT NULL,
            owner_host TEXT NOT NULL
          );
          CREATE INDEX experiment_runs_by_start ON experiment_runs(started_at);
          CREATE TABLE experiment_metrics (
            run_id TEXT NOT NULL REFERENCES experiment_runs(id) ON DELETE CASCADE,
            key TEXT NOT NULL,
            step INTEGER NOT NULL,
            value REAL,
            time REAL NOT NULL,
            PRIMARY KEY (run_id, key, step)
          );
          CREATE TABLE experiment_artifacts (
            run_id TEXT NOT NULL REFERENCES experiment_runs(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            blob TEXT NOT NULL,
            bytes INTEGER NOT NULL,
            PRIMARY KEY (run_id, path)
          );
          """)
    }
    return migrator
  }

  /// This database's identity, made when it was created.
  public func workspaceID() async throws -> String {
    try await pool.read { db in
      guard let id = try String.fetchOne(db, sql: "SELECT id FROM workspace LIMIT 1") else {
        throw TwinError.storage("\(self.path) has no workspace identity")
      }
      return id
    }
  }
}

extension Date {
  /// Seconds since 1970, the representation stored in REAL columns.
  var storedValue: Double { timeIntervalSince1970 }
  init(stored: Double) { self.init(timeIntervalSince1970: stored) }
}
