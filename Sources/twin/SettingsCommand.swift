import ArgumentParser
import TwinConfig

/// `twin settings`: what can be configured, and what is in effect.
struct SettingsCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "settings",
    abstract: "List every setting, or print the example settings file.",
    discussion: """
      Settings come from twin.yaml (or $TWIN_SETTINGS), then .env, then TWIN_* environment \
      variables, then flags. `twin settings` lists each key with its variable, what it accepts and \
      its value now (secrets show only whether they are set); `twin settings --example` prints a \
      twin.yaml with every key at its default.
      """)

  @Flag(name: .long, help: "Print a twin.yaml with every setting at its default.")
  var example = false

  func run() throws {
    if example { return print(Settings.exampleYAML, terminator: "") }
    let current = try SettingsLoader().load()
    let rows = Settings.table.map { [$0.key, $0.environmentName, $0.accepts, $0.value(in: current)] }
    Output.table(["key", "variable", "accepts", "value"], rows)
  }
}
