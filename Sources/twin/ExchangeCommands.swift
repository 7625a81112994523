import ArgumentParser
import Foundation
import TwinCore
import TwinCrawlers
import TwinPipelines
import TwinOrchestrator
import TwinSQLite

/// `twin export`: the warehouse in the Handbook's format.
struct ExportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "export",
    abstract: "Export the data warehouse as the LLM Engineer's Handbook's JSON files.",
    discussion: """
      Writes UserDocument.json, ArticleDocument.json, PostDocument.json and \
      RepositoryDocument.json into the directory: the format the Python LLM Twin exports, so the \
      data moves both ways.
      """)

  @Option(name: .long, help: "The directory to write into (created if needed).")
  var dir: String

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    let app = try await AppContext.open(global: global, workspace: .readOnly)
    let counts = try await WarehouseExchange(warehouse: app.workspace.warehouse)
      .export(to: URL(fileURLWithPath: dir, isDirectory: true))
    if app.json { return try Output.json(counts) }
    print(
      "exported \(counts.users) users, \(counts.articles) articles, \(counts.posts) posts, \(counts.repositories) repositories to \(dir)"
    )
  }
}

/// `twin import`: bring data into the warehouse.
struct ImportCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "import",
    abstract: "Import a Handbook data-warehouse export, or a LinkedIn data export.",
    subcommands: [Handbook.self, LinkedIn.self], defaultSubcommand: Handbook.self)

  struct Handbook: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "handbook",
      abstract: "Import UserDocument.json, ArticleDocument.json, … from a directory (`twin import --dir D`).",
      discussion: """
        Reads the files the Python LLM Twin exports (data/data_warehouse_raw_data). Everything is \
        validated before anything is written, and all of it is stored in one transaction: a \
        malformed file imports nothing, and the error names the file and the entry. Importing the \
        same files again changes nothing.
        """)

    @Option(name: .long, help: "The directory holding the exported JSON files.")
    var dir: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let (counts, summary) = try await WarehouseExchange(warehouse: app.workspace.warehouse)
        .importDirectory(URL(fileURLWithPath: dir, isDirectory: true))
      if app.json { return try Output.json(["read": try JSONValue.from(counts), "stored": try JSONValue.from(summary)]) }
      print(
        "read \(counts.users) users, \(counts.articles) articles, \(counts.posts) posts, \(counts.repositories) repositories"
      )
      print("documents: \(summary.inserted) inserted, \(summary.updated) updated, \(summary.unchanged) unchanged")
    }
  }

  struct LinkedIn: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "linkedin",
      abstract: "Import your posts from a LinkedIn data-export ZIP (Shares.csv).",
      discussion: """
        LinkedIn forbids scraping; instead request your data archive (Settings → Data privacy → \
        Get a copy of your data) and import it here. A plain Shares.csv or an unpacked export \
        folder works too. The import is a recorded pipeline run (`twin runs list`).
        """)

    @Argument(help: "The export ZIP, an unpacked export folder, or Shares.csv.")
    var export: String

    @Option(name: .long, help: "The author's full name.")
    var author: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let path = URL(fileURLWithPath: export)
      guard FileManager.default.fileExists(atPath: path.path) else {
        throw ValidationError("no such file: \(export)")
      }
      let pipeline = try DocumentImport.pipeline(
        name: "linkedin_import", source: path.path, userFullName: author, warehouse: app.workspace.warehouse
      ) { user in
        try LinkedInExportImporter().posts(from: path, author: user)
      }
      let runner = app.runner()
      let result = try await Interruption.run { try await runner.run(pipeline) }
      if app.json { return try Output.json(result.run) }
      print(RunText.headline(result.run))
      if let error = result.run.error { print("error: \(error)") }
      if let meta = result.artifacts["load_documents"]?.metadata {
        print(
          "posts: \(meta["documents"]?.intValue ?? 0) read; \(meta["inserted"]?.intValue ?? 0) inserted, \(meta["updated"]?.intValue ?? 0) updated, \(meta["unchanged"]?.intValue ?? 0) unchanged"
        )
      }
      if result.run.status != .succeeded { throw ExitCode.failure }
    }
  }
}
