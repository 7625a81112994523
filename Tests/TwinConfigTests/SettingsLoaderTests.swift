import Foundation
import Testing
import TwinConfig
import TwinCore

@Suite struct SettingsLoaderTests {
  func scratch() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-config-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  @Test func defaultsWithoutAnySource() throws {
    let settings = try SettingsLoader(directory: try scratch(), environment: [:]).load()
    #expect(settings == Settings())
    #expect(settings.workspace == ".twin")
    #expect(settings.allowPrivateNetwork == false)
  }

  @Test func yamlThenDotEnvThenEnvironment() throws {
    let dir = try scratch()
    try """
      workspace: from-yaml
      crawl:
        max_redirects: 3
        per_host_delay_ms: 10
      log_level: info
      """.write(to: dir.appendingPathComponent("twin.yaml"), atomically: true, encoding: .utf8)
    try "TWIN_CRAWL_MAX_REDIRECTS=4\nexport TWIN_LOG_LEVEL=\"debug\" \nOTHER_TOOL_KEY=ignored\n"
      .write(to: dir.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
    let settings = try SettingsLoader(
      directory: dir, environment: ["TWIN_CRAWL_MAX_REDIRECTS": "7", "TWIN_ALLOW_PRIVATE_NETWORK": "1"]
    ).load()
    #expect(settings.workspace == "from-yaml")
    #expect(settings.crawl.perHostDelayMilliseconds == 10)
    #expect(settings.logLevel == "debug")
    #expect(settings.crawl.maxRedirects == 7)
    #expect(settings.allowPrivateNetwork)
  }

  @Test func unknownYAMLKeyNamesFileLineAndKey() throws {
    let dir = try scratch()
    let file = dir.appendingPathComponent("twin.yaml")
    try "crawl:\n  max_redirect: 3\n".write(to: file, atomically: true, encoding: .utf8)
    let error = #expect(throws: TwinError.self) { try SettingsLoader(directory: dir, environment: [:]).load() }
    let message = "\(error!)"
    #expect(message.contains("\(file.path):2:3"))
    #expect(message.contains("crawl.max_redirect"))
    #expect(message.contains("did you mean crawl.max_redirects"))
  }

  @Test func badValuesAndUnknownVariablesAreErrors() throws {
    let dir = try scratch()
    let bad = #expect(throws: TwinError.self) {
      try SettingsLoader(directory: dir, environment: ["TWIN_CRAWL_MAX_REDIRECTS": "lots"]).load()
    }
    #expect("\(bad!)".contains("TWIN_CRAWL_MAX_REDIRECTS"))
    let unknown = #expect(throws: TwinError.self) {
      try SettingsLoader(directory: dir, environment: ["TWIN_HOMEE": "x"]).load()
    }
    #expect("\(unknown!)".contains("did you mean TWIN_HOME"))
    try "TWIN_NOPE=1\n".write(to: dir.appendingPathComponent(".env"), atomically: true, encoding: .utf8)
    let dotenv = #expect(throws: TwinError.self) { try SettingsLoader(directory: dir, environment: [:]).load() }
    #expect("\(dotenv!)".contains(".env:1"))
  }

  /// Variables that other parts of Twin read are not settings, and must not stop every command.
  @Test func twinsOwnVariablesThatAreNotSettingsAreAccepted() throws {
    let dir = try scratch()
    for name in ["TWIN_THREADS", "TWIN_SERVE_API_KEYS"] {
      #expect(throws: Never.self, "\(name)") {
        _ = try SettingsLoader(directory: dir, environment: [name: "1"]).load()
      }
    }
    let typo = #expect(throws: TwinError.self) {
      try SettingsLoader(directory: dir, environment: ["TWIN_THREAD": "1"]).load()
    }
    #expect("\(typo!)".contains("TWIN_THREAD"))
  }

  /// The thread pool reads `TWIN_THREADS` before settings exist and cannot complain itself.
  @Test func aBadThreadCountIsAnErrorNamingTheVariable() throws {
    let dir = try scratch()
    for bad in ["0", "-2", "two", " 2", ""] {
      let error = #expect(throws: TwinError.self, "\(bad)") {
        try SettingsLoader(directory: dir, environment: ["TWIN_THREADS": bad]).load()
      }
      #expect("\(error!)".contains("TWIN_THREADS") && "\(error!)".contains("\"\(bad)\""), "\(error!)")
    }
  }
}

@Suite struct ETLConfigTests {
  func write(_ text: String) throws -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("etl-\(UUID().uuidString).yaml").path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func loadsTheHandbookLayoutIgnoringZenMLSettings() throws {
    let path = try write(
      """
      settings:
        docker:
          parent_image: something
      parameters:
        user_full_name: Maxime  Labonne
        links:
          - https://mlabonne.github.io/blog/posts/a.html
          - https://example.com/feed.xml
      """)
    let config = try ETLConfig.load(path: path)
    #expect(config.userFullName == "Maxime Labonne")
    #expect(config.links == ["https://mlabonne.github.io/blog/posts/a.html", "https://example.com/feed.xml"])
  }

  @Test func unknownKeysAndMissingFieldsNameTheFile() throws {
    let typo = try write("parameters:\n  user_full_name: A B\n  linkz: []\n")
    let e1 = #expect(throws: TwinError.self) { try ETLConfig.load(path: typo) }
    #expect("\(e1!)".contains("\(typo):3:3"))
    #expect("\(e1!)".contains("linkz"))
    let missing = try write("parameters:\n  user_full_name: A B\n")
    let e2 = #expect(throws: TwinError.self) { try ETLConfig.load(path: missing) }
    #expect("\(e2!)".contains("links is missing"))
    let broken = try write("parameters: [unclosed\n")
    let e3 = #expect(throws: TwinError.self) { try ETLConfig.load(path: broken) }
    #expect("\(e3!)".contains("invalid YAML"))
  }
}

/// The settings table is the one schema: the example file, the variables and validation all
/// come from it.
@Suite struct SettingsTableTests {
  static let exampleFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("../../configs/twin.example.yaml").standardizedFileURL

  @Test func theExampleFileIsTheTable() throws {
    let committed = try String(contentsOf: Self.exampleFile, encoding: .utf8)
    #expect(
      committed == Settings.exampleYAML,
      "configs/twin.example.yaml is out of step: regenerate it with `twin settings --example > configs/twin.example.yaml`")
  }

  @Test func theExampleLoadsToTheDefaults() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-example-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    try Settings.exampleYAML.write(to: dir.appendingPathComponent("twin.yaml"), atomically: true, encoding: .utf8)
    var loaded = try SettingsLoader(directory: dir, environment: [:]).load()
    #expect(loaded.modelsDirectory == "~/.cache/twin/models")
    loaded.modelsDirectory = Settings().modelsDirectory
    #expect(loaded == Settings())
  }

  @Test func keysAndVariablesAreUnique() {
    #expect(Set(Settings.table.map(\.key)).count == Settings.table.count)
    #expect(Set(Settings.table.map(\.environmentName)).count == Settings.table.count)
    #expect(Settings.setting(forKey: "workspace")?.environmentName == "TWIN_HOME")
    #expect(Settings.setting(forKey: "crawl.max_redirects")?.environmentName == "TWIN_CRAWL_MAX_REDIRECTS")
  }

  /// Every bounded setting takes its bounds and refuses one step past them, naming the key.
  @Test func everyRangeIsEnforcedWhereverTheValueComesFrom() throws {
    var checked = 0
    for setting in Settings.table {
      let (inside, outside): ([String], [String])
      switch setting.kind {
      case .integer(let range):
        (inside, outside) = (["\(range.lowerBound)", "\(range.upperBound)"], ["\(range.lowerBound - 1)", "\(range.upperBound + 1)", "x"])
      case .number(let range):
        (inside, outside) = (["\(range.lowerBound)", "\(range.upperBound)"], ["\(range.lowerBound - 0.05)", "\(range.upperBound + 1)"])
      case .choice(let options):
        (inside, outside) = (options + [options[0].uppercased()], ["nope"])
      case .bool:
        (inside, outside) = (["true", "off"], ["maybe"])
      default: continue
      }
      for value in inside {
        var settings = Settings()
        try setting.apply(value, to: &settings, source: "test")
      }
      for value in outside {
        var settings = Settings()
        let error = #expect(throws: TwinError.self, "\(setting.key)=\(value)") {
          try setting.apply(value, to: &settings, source: "environment \(setting.environmentName)")
        }
        #expect("\(error!)".contains(setting.key), "\(error!)")
        #expect(settings == Settings(), "\(setting.key): a refused value changed the settings")
      }
      checked += 1
    }
    #expect(checked == Settings.table.filter { if case .text = $0.kind { false } else if case .secret = $0.kind { false } else { true } }.count)
    #expect(checked > 20)
  }

  @Test func secretsAreNeverEchoed() throws {
    let setting = try #require(Settings.setting(forKey: "llm.api_key"))
    var settings = Settings()
    try setting.apply("  sk-secret-value \n", to: &settings, source: "test")
    #expect(settings.llm.apiKey == "sk-secret-value")
    #expect(setting.value(in: settings) == "\"(set)\"")
  }

  @Test func credentialsInAURLSettingAreNotListed() throws {
    let setting = try #require(Settings.setting(forKey: "tracking.mlflow_uri"))
    var settings = Settings()
    try setting.apply("http://twin:s3cret@mlflow.internal:5000", to: &settings, source: "test")
    #expect(settings.mlflowURI == "http://twin:s3cret@mlflow.internal:5000")
    #expect(!setting.value(in: settings).contains("s3cret"))
    #expect(setting.value(in: settings).contains("mlflow.internal:5000"))
  }
}
