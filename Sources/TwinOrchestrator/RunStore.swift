import Foundation
import TwinCore

/// Where runs, steps, artifact records and lineage are kept (the metadata store).
///
/// The bytes of artifacts live in an ``ArtifactBlobStore``; this store keeps what they are.
public protocol RunStore: Sendable {
  func insert(run: PipelineRun) async throws
  func update(run: PipelineRun) async throws
  func upsert(step: StepRun) async throws
  /// Records that `stepRunID` consumed these artifacts.
  func recordLineage(stepRunID: UUID, consumed artifactIDs: [UUID]) async throws

  /// Registers bytes already written to the blob store under `name`. When the latest version of
  /// `name` has the same hash, that artifact is returned instead of a new version.
  func registerArtifact(
    name: String, sha256: String, size: Int, metadata: [String: JSONValue], runID: UUID,
    step: String
  ) async throws -> Artifact

  /// The output of the most recent successful step run with this cache key, if any.
  func cachedArtifact(cacheKey: String) async throws -> Artifact?

  func run(id: UUID) async throws -> PipelineRun?
  /// Runs whose id starts with `prefix` (for short ids typed by users).
  func runs(idPrefix: String) async throws -> [PipelineRun]
  /// The most recent runs first.
  func runs(limit: Int, pipeline: String?) async throws -> [PipelineRun]
  func steps(runID: UUID) async throws -> [StepRun]
  func artifact(id: UUID) async throws -> Artifact?
  /// Artifacts consumed by a step run.
  func consumed(stepRunID: UUID) async throws -> [Artifact]

  /// Marks `running` runs whose owning process is gone as interrupted (and their running steps).
  /// Returns how many were marked.
  @discardableResult
  func reapOrphanedRuns() async throws -> Int
}
