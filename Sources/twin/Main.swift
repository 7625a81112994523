import ArgumentParser
import Foundation
import TwinCore

/// The entry point: runs the command, and turns a failure into its message on standard error
/// and the exit status of its ``ErrorCategory`` (65 bad input, 66 not found, 69 a backend
/// failed, 74 storage, 75 timed out, 78 configuration), so scripts can tell failures apart.
/// Usage errors (64), `--help` and everything else are ArgumentParser's.
@main
enum Main {
  static func main() async {
    do {
      var command = try TwinCommand.parseAsRoot()
      if var command = command as? any AsyncParsableCommand {
        try await command.run()
      } else {
        try command.run()
      }
    } catch let error as any CategorizedError {
      Stderr.write("Error: \(error)\n")
      exit(error.category.exitCode)
    } catch {
      TwinCommand.exit(withError: error)
    }
  }
}
