import Foundation
import Logging
import TwinConfig
import TwinCore
import TwinModelStore
import TwinOrchestrator
import TwinSQLite

/// The composition root: what a command needs, built once from its flags and the settings.
///
/// Commands parse, ask this for services, and print. The settings are read once, here; the
/// workspace is opened as the command asks; models (the embedder, the LLM, a reranker) are
/// loaded only when a command asks for them, by the extensions beside this file.
struct AppContext: Sendable {
  let settings: Settings
  let logger: Logger
  let progress: any ProgressReporter
  let json: Bool
  /// The model cache at `models_dir`, shared by workspaces.
  let models: ModelStore
  private let openedWorkspace: Workspace?

  /// How a command uses the workspace.
  enum WorkspaceUse {
    /// Created when absent, migrated, written; runs orphaned by a killed process are marked
    /// interrupted (they can never finish).
    case readWrite
    /// An existing workspace, never written: reading commands work on a read-only mount.
    case readOnly
    /// Not opened: the command works on models or settings only.
    case none
  }

  /// Loads settings, applies the command-line overrides and opens the workspace as `use` says.
  static func open(
    global: GlobalOptions, workspace use: WorkspaceUse = .readWrite, allowPrivateNetwork: Bool = false
  ) async throws -> AppContext {
    let context = try AppContext(global: global, use: use, allowPrivateNetwork: allowPrivateNetwork)
    if use == .readWrite {
      try await context.workspace.runs.reapOrphanedRuns()
      _ = try await context.workspace.experiments.reapOrphanedRuns()
    }
    return context
  }

  private init(global: GlobalOptions, use: WorkspaceUse, allowPrivateNetwork: Bool) throws {
    var settings = try SettingsLoader().load()
    if let path = global.workspace { settings.workspace = path }
    if allowPrivateNetwork { settings.allowPrivateNetwork = true }
    if global.verbose { settings.logLevel = "info" }
    self.settings = settings
    var logger = Logger(label: "twin")
    logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .warning
    self.logger = logger
    models = ModelStore(root: URL(fileURLWithPath: (settings.modelsDirectory as NSString).expandingTildeInPath))
    switch use {
    case .none: openedWorkspace = nil
    case .readOnly, .readWrite:
      openedWorkspace = try Workspace(path: settings.workspace, access: use == .readOnly ? .readOnly : .readWrite)
    }
    json = global.json
    progress = global.json ? SilentProgress() : TerminalProgress()
  }

  /// The workspace the command opened.
  var workspace: Workspace {
    guard let openedWorkspace else { preconditionFailure("this command opened no workspace (WorkspaceUse.none)") }
    return openedWorkspace
  }

  /// The workspace, when the command opened one.
  var openedWorkspaceIfAny: Workspace? { openedWorkspace }

  /// Clears the progress line before results are printed.
  func finishProgress() {
    (progress as? TerminalProgress)?.finish()
  }

  func runner() -> PipelineRunner {
    PipelineRunner(store: workspace.runs, blobs: workspace.blobs, logger: logger, progress: progress)
  }
}
