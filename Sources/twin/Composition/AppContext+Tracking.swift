import Foundation
import TwinConfig
import TwinCore
import TwinMLflow
import TwinSQLite

extension AppContext {
  /// Where runs are recorded: the workspace's experiment store, mirrored to MLflow when
  /// `tracking.mlflow_uri` is set. Mirroring failures go to standard error and never fail a
  /// command.
  func experimentTracker() throws -> any ExperimentTracker {
    guard let client = try mlflowClient() else { return workspace.experiments }
    return MLflowTracker(local: workspace.experiments, client: client, report: Self.warn)
  }

  /// The model registry: the workspace's, mirrored to MLflow's when `tracking.mlflow_uri` is
  /// set.
  func modelRegistry() throws -> any ModelRegistry {
    guard let client = try mlflowClient() else { return workspace.models }
    return MLflowModelRegistry(local: workspace.models, client: client, report: Self.warn)
  }

  private func mlflowClient() throws -> MLflowClient? {
    guard !settings.mlflowURI.isEmpty else { return nil }
    do { return try MLflowClient(uri: settings.mlflowURI) } catch { throw TwinError.configuration("\(error)") }
  }

  /// A warning on standard error, on its own line (the progress line is redrawn after it).
  @Sendable static func warn(_ message: String) {
    Stderr.write("\nwarning: \(message)\n")
  }
}
