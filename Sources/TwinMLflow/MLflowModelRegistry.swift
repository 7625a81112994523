import Foundation
import TwinCore

/// A model registry that keeps the workspace's registry and mirrors it to MLflow's: every
/// version becomes a version of the MLflow registered model of the same name (tagged
/// `twin.version`, its source the training run's `adapter` artifacts), and aliases follow.
///
/// As with ``MLflowTracker``, the workspace is the record (its errors are thrown) and MLflow a
/// mirror: failures are reported, never thrown. A version registered before MLflow was set up
/// is mirrored when an alias first points at it.
public struct MLflowModelRegistry: ModelRegistry {
  let local: any ModelRegistry
  let client: MLflowClient
  let report: @Sendable (String) -> Void

  /// The tag that holds Twin's version number on an MLflow model version.
  public static let versionTag = "twin.version"

  public init(local: any ModelRegistry, client: MLflowClient, report: @escaping @Sendable (String) -> Void) {
    self.local = local
    self.client = client
    self.report = report
  }

  public func register(_ model: NewModelVersion) async throws -> (version: ModelVersion, created: Bool) {
    let result = try await local.register(model)
    await mirror("register \(result.version.label)") { _ = try await mlflowVersion(of: result.version) }
    return result
  }

  public func versions(name: String?) async throws -> [ModelVersion] { try await local.versions(name: name) }
  public func version(_ reference: ModelReference) async throws -> ModelVersion { try await local.version(reference) }
  public func aliases(of name: String?) async throws -> [ModelAlias] { try await local.aliases(of: name) }
  public func evaluations(of model: String?) async throws -> [ModelEvaluationRecord] { try await local.evaluations(of: model) }

  public func setAlias(_ alias: String, to reference: ModelReference) async throws -> (alias: ModelAlias, previous: Int?) {
    let result = try await local.setAlias(alias, to: reference)
    let version = try await local.version(ModelReference(name: result.alias.name, version: result.alias.version))
    await mirror("alias \(result.alias.name)@\(alias)") {
      let mirrored = try await mlflowVersion(of: version)
      try await client.setAlias(name: version.name, alias: alias, version: mirrored)
    }
    return result
  }

  public func removeAlias(_ alias: String, of name: String) async throws -> Bool {
    let removed = try await local.removeAlias(alias, of: name)
    if removed {
      await mirror("remove alias \(name)@\(alias)") {
        do { try await client.deleteAlias(name: name, alias: alias) } catch MLflowError.server(let code, _, _)
          where code == "RESOURCE_DOES_NOT_EXIST" {}
      }
    }
    return removed
  }

  public func remove(_ reference: ModelReference) async throws -> ModelVersion {
    let removed = try await local.remove(reference)
    await mirror("remove \(removed.label)") {
      if let version = try await client.modelVersions(of: removed.name).first(where: { $0.twinVersion == removed.version }) {
        try await client.deleteModelVersion(name: removed.name, version: version.version)
      }
    }
    return removed
  }

  public func record(_ evaluation: ModelEvaluationRecord) async throws {
    try await local.record(evaluation)
  }

  /// MLflow's version number for `version`, creating the registered model and the version
  /// when they are missing.
  func mlflowVersion(of version: ModelVersion) async throws -> String {
    try await client.ensureRegisteredModel(version.name, description: "Twin's \(version.name), mirrored from its workspace registry")
    if let existing = try await client.modelVersions(of: version.name).first(where: { $0.twinVersion == version.version }) {
      return existing.version
    }
    // The source is the training run's adapter in MLflow, when that run was mirrored.
    var run: MLflowClient.RunInfo?
    if let runID = version.runID {
      let experiment = try await client.experimentID(named: ExperimentName.training)
      run = try await client.findRun(experimentID: experiment, tag: MLflowTracker.runTag, value: MLflowTracker.runKey(runID))
    }
    let source = run.map { "runs:/\($0.runID)/adapter" } ?? "twin://\(version.name)/\(version.version)/\(version.files.ggufAdapter)"
    let created = try await client.createModelVersion(
      name: version.name, source: source, runID: run?.runID,
      tags: [
        Self.versionTag: "\(version.version)", "twin.base_model": version.baseModel, "twin.dataset": version.dataset,
        "twin.method": version.method.rawValue,
      ],
      description: "\(version.label): \(version.method) of \(version.baseModel) on \(version.dataset)")
    return created.version
  }

  private func mirror(_ what: String, _ work: () async throws -> Void) async {
    do { try await work() } catch { report("MLflow: \(what) was not mirrored: \(error)") }
  }
}

extension MLflowClient.ModelVersionInfo {
  /// The Twin version this MLflow version mirrors.
  var twinVersion: Int? {
    tags?.first { $0.key == MLflowModelRegistry.versionTag }.flatMap { Int($0.value) }
  }
}
