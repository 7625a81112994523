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
