import Foundation
import Logging
import TwinConfig
import TwinCore
import TwinOrchestrator
import TwinSQLite

/// Everything a command needs, built once from settings and flags.
struct AppContext {
  var settings: Settings
  var workspace: Workspace
  var logger: Logger
  var progress: any ProgressReporter
  var json: Bool

  /// Loads settings, applies command-line overrides, opens the workspace, and marks runs left
  /// "running" by a killed process as interrupted (they can never finish). Commands that only
  /// read open it `readOnly`: they write nothing, so they work on a read-only workspace.
  static func open(
    global: GlobalOptions, allowPrivateNetwork: Bool = false, readOnly: Bool = false
  ) async throws -> AppContext {
    let context = try AppContext(global: global, allowPrivateNetwork: allowPrivateNetwork, readOnly: readOnly)
    if !readOnly { try await context.workspace.runs.reapOrphanedRuns() }
    return context
  }

  private init(global: GlobalOptions, allowPrivateNetwork: Bool, readOnly: Bool) throws {
    var settings = try SettingsLoader().load()
    if let path = global.workspace { settings.workspace = path }
    if allowPrivateNetwork { settings.allowPrivateNetwork = true }
    if global.verbose { settings.logLevel = "info" }
    self.settings = settings
    var logger = Logger(label: "twin")
    logger.logLevel = Logger.Level(rawValue: settings.logLevel) ?? .warning
    self.logger = logger
    self.workspace = try Workspace(path: settings.workspace, access: readOnly ? .readOnly : .readWrite)
    self.json = global.json
    self.progress = global.json ? SilentProgress() : TerminalProgress()
  }

  /// Clears the progress line before results are printed.
  func finishProgress() {
    (progress as? TerminalProgress)?.finish()
  }

  func runner() -> PipelineRunner {
    PipelineRunner(store: workspace.runs, blobs: workspace.blobs, logger: logger, progress: progress)
  }
}
