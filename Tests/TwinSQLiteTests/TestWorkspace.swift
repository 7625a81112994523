import Foundation
import TwinSQLite

/// A fresh workspace in a temporary directory.
func temporaryWorkspace() throws -> Workspace {
  try Workspace(path: FileManager.default.temporaryDirectory.appendingPathComponent("twin-ws-\(UUID().uuidString)").path)
}
