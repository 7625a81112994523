import ArgumentParser

/// `twin`: the LLM Twin system's command line.
struct TwinCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "twin",
    abstract: "Build an LLM twin from a person's writing: crawl, store, search, answer and serve.",
    discussion: """
      All state lives in a workspace directory (.twin/ by default; --workspace or TWIN_HOME). \
      Settings come from twin.yaml, then .env, then TWIN_* environment variables.

      Start with `twin quickstart`: it crawls a bundled sample site into the workspace, builds \
      the feature store and answers a question from it.
      """,
    subcommands: [
      QuickstartCommand.self, ETLCommand.self, DocumentsCommand.self, ExportCommand.self,
      ImportCommand.self, FeaturesCommand.self, DatasetsCommand.self, TrainCommand.self, SearchCommand.self, RunsCommand.self, ModelsCommand.self,
      EmbedCommand.self, GenerateCommand.self, ChatCommand.self, RAGCommand.self, BatchCommand.self, TracesCommand.self, ServeCommand.self, EvaluateCommand.self,
      RegistryCommand.self, ExperimentsCommand.self, SettingsCommand.self,
    ])
}
