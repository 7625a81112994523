import Foundation
import TwinConfig
import TwinCore
import TwinModelStore
import TwinOrchestrator
import TwinSQLite
import TwinTraining

extension AppContext {
  /// The registered trained model `name` names (`twin-sft`, `twin-sft@2`) and its GGUF
  /// adapter file, or nil when `name` is a catalog model, a path, or nothing in the registry.
  /// Commands that open no workspace (generate, chat) look in the configured one, read-only,
  /// when it exists.
  func trainedModel(_ name: String) async throws -> (version: ModelVersion, adapter: URL)? {
    if models.model(named: name) != nil || FileManager.default.fileExists(atPath: (name as NSString).expandingTildeInPath) {
      return nil
    }
    guard let reference = try? ModelReference(parsing: name, of: "model") else { return nil }
    let workspace: Workspace
    if let opened = openedWorkspaceIfAny {
      workspace = opened
    } else {
      guard FileManager.default.fileExists(atPath: settings.workspace) else { return nil }
      workspace = try Workspace(path: settings.workspace, access: .readOnly)
    }
    if (try await workspace.models.versions(name: reference.name)).isEmpty { return nil }
    let version = try await workspace.models.version(reference)
    guard workspace.blobs.contains(version.files.ggufAdapter) else {
      throw TwinError.notFound(
        kind: .artifact, name: "the adapter of \(version.label) (\(version.files.ggufAdapter.prefix(12)))",
        hint: "the workspace's artifacts folder lost it; train the model again")
    }
    return (version, workspace.blobs.location(of: version.files.ggufAdapter))
  }

  /// Where training checkpoints go: `training/` in the workspace.
  var trainingCheckpoints: URL {
    workspace.root.appendingPathComponent("training", isDirectory: true)
  }
}
