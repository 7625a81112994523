import Foundation
import TwinOrchestrator

/// Text renderings of runs, shared by `twin runs` and the pipeline commands.
enum RunText {
  static func shortID(_ id: UUID) -> String { String(id.uuidString.prefix(8)).lowercased() }

  static func headline(_ run: PipelineRun) -> String {
    "run \(shortID(run.id)) (\(run.pipeline)) \(run.status.rawValue) in \(Output.duration(run.duration))"
  }
}
