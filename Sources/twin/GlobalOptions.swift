import ArgumentParser

/// Options every command accepts.
struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: "The workspace directory (default: .twin, or $TWIN_HOME).")
  var workspace: String?

  @Flag(name: .long, help: "Print machine-readable JSON on standard output.")
  var json = false

  @Flag(name: [.short, .long], help: "Log progress details to standard error.")
  var verbose = false
}
