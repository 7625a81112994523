import Foundation
import Synchronization
import Testing
import TwinCore
import TwinMLflow
import TwinSQLite

#if canImport(Glibc)
  import Glibc
#endif

/// Collects what the mirror reports.
final class Reports: Sendable {
  let lines = Mutex<[String]>([])
  var report: @Sendable (String) -> Void { { line in self.lines.withLock { $0.append(line) } } }
}

func temporaryWorkspace() throws -> (Workspace, URL) {
  let root = FileManager.default.temporaryDirectory.appendingPathComponent("twin-mlflow-\(UUID().uuidString)")
  return (try Workspace(path: root.appendingPathComponent("ws").path, access: .readWrite), root)
}

func newVersion(_ name: String, run: UUID?, adapter: String) -> NewModelVersion {
  NewModelVersion(
    name: name, method: .sft, baseModel: "smollm2-135m-instruct", parent: nil, dataset: "instruct@1", runID: run,
    files: ModelFiles(ggufAdapter: adapter, peftConfiguration: adapter + "c", peftWeights: adapter + "w"), lineage: [:],
    metrics: [:])
}

@Suite struct MLflowDownTests {
  /// Nothing listens on the port: every call fails fast; the workspace keeps the run, the
  /// failure is reported once, and nothing is thrown.
  @Test func aServerThatIsDownNeverFailsTheRun() async throws {
    let (workspace, root) = try temporaryWorkspace()
    defer { try? FileManager.default.removeItem(at: root) }
    let reports = Reports()
    // Held bound but not listening, the port refuses connections and no other test's server can
    // take it meanwhile (a port merely found free once was, by the real MLflow server beside us).
    let (socket, port) = try MLflowServer.boundPort()
    defer { close(socket) }
    let client = try MLflowClient(
      uri: "http://twin:s3cret@127.0.0.1:\(port)", attempts: 2, backoff: .milliseconds(10))
    #expect(!client.description.contains("s3cret"))
    let tracker = MLflowTracker(local: workspace.experiments, client: client, report: reports.report)
    let run = UUID()
    try await tracker.start(
      ExperimentRun(id: run, experiment: "training", name: "down", parameters: ["lr": 0.1], inputs: [], pipelineRunID: nil))
    try await tracker.log([MetricPoint(key: "loss", step: 1, value: 2.5)], run: run)
    try await tracker.finish(run, status: .finished)
    #expect(try await workspace.experiments.metrics(run: run).map(\.value) == [2.5])
    #expect(try await workspace.experiments.run(run.uuidString).status == .finished)
    let lines = reports.lines.withLock { $0 }
    #expect(lines.count == 1, "\(lines)")
    #expect(lines.first?.contains("cannot be reached") == true, "\(lines)")
    #expect(!lines.joined().contains("s3cret"), "\(lines)")

    let registry = MLflowModelRegistry(local: workspace.models, client: client, report: reports.report)
    let (version, created) = try await registry.register(newVersion("twin-sft", run: run, adapter: "a1"))
    #expect(created && version.version == 1)
    _ = try await registry.setAlias("production", to: ModelReference(name: "twin-sft", version: 1))
    #expect(try await workspace.models.version(ModelReference(name: "twin-sft", alias: "production")).version == 1)
    #expect(reports.lines.withLock { $0.count } == 3)
    #expect(!reports.lines.withLock { $0.joined() }.contains("s3cret"))
  }

  @Test func aURIThatIsNotHTTPIsRefused() {
    #expect(throws: MLflowError.self) { try MLflowClient(uri: "127.0.0.1:5000") }
  }
}

/// A real `mlflow server` on loopback, from the venv `scripts/test` installs MLflow in.
struct MLflowServer {
  let process: Process
  let uri: String

  /// The Python that has MLflow: `TWINTEST_MLFLOW_PYTHON`, else the venv `scripts/test` makes.
  static var python: String {
    ProcessInfo.processInfo.environment["TWINTEST_MLFLOW_PYTHON"]
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/twin/mlflow-venv/bin/python").path
  }

  /// A loopback port free when asked (another process may take it before it is used).
  static func freePort() throws -> Int {
    let (fd, port) = try boundPort()
    close(fd)
    return port
  }

  /// A loopback TCP socket bound to a port the system chose, not listening, and that port.
  static func boundPort() throws -> (socket: Int32, port: Int) {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var bound = false
    defer { if !bound { close(fd) } }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    try withUnsafeMutablePointer(to: &address) { pointer in
      try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { raw in
        guard bind(fd, raw, length) == 0, getsockname(fd, raw, &length) == 0 else { throw POSIXError(.EADDRINUSE) }
      }
    }
    bound = true
    return (fd, Int(UInt16(bigEndian: address.sin_port)))
  }

  static func start(in folder: URL) async throws -> MLflowServer {
    guard FileManager.default.isExecutableFile(atPath: python) else {
      throw TwinError.configuration("no MLflow at \(python): scripts/test installs it (or set TWINTEST_MLFLOW_PYTHON)")
    }
    let port = try freePort()
    let process = Process()
    // Foundation starts the child as its own process-group leader, so stopping the group
    // stops the uvicorn workers `mlflow server` starts too.
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [
      "-m", "mlflow", "server", "--host", "127.0.0.1", "--port", "\(port)", "--workers", "1",
      "--backend-store-uri", "sqlite:///\(folder.path)/mlflow.db", "--artifacts-destination", folder.appendingPathComponent("artifacts").path,
    ]
    var environment = ProcessInfo.processInfo.environment
    environment["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"
    process.environment = environment
    let log = folder.appendingPathComponent("server.log")
    _ = FileManager.default.createFile(atPath: log.path, contents: nil)
    let handle = try FileHandle(forWritingTo: log)
    process.standardOutput = handle
    process.standardError = handle
    try process.run()
    let server = MLflowServer(process: process, uri: "http://127.0.0.1:\(port)")
    let probe = try MLflowClient(uri: server.uri, attempts: 1)
    // Generous: a first start in a fresh venv compiles MLflow's modules and builds its
    // database, and the full suite runs model tests beside it on two cores (60 s was not
    // always enough there).
    let deadline = ContinuousClock.now + .seconds(300)
    while ContinuousClock.now < deadline {
      if await probe.isHealthy() { return server }
      guard process.isRunning else { break }
      try await Task.sleep(for: .milliseconds(250))
    }
    server.stop()
    throw TwinError.configuration("mlflow server did not start:\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
  }

  /// Stops the server's process group: SIGTERM, then SIGKILL after 10 s. Polls rather than
  /// `waitUntilExit`, which spins a run loop off the main thread.
  func stop() {
    let group = -process.processIdentifier
    kill(group, SIGTERM)
    for _ in 0..<100 where process.isRunning { usleep(100_000) }
    if process.isRunning { kill(group, SIGKILL) }
    for _ in 0..<50 where process.isRunning { usleep(100_000) }
  }

  /// Everything the server holds for `experiment` and `models`, read with MLflow's client.
  ///
  /// The script (MLflow's import alone takes seconds) is waited for off the cooperative pool.
  func readBack(experiment: String, models: [String]) async throws -> ReadBack {
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("readback.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Self.python)
    process.arguments = [script, uri, experiment] + models
    // Errors go to a file: two pipes read one after the other deadlock once the unread one fills.
    let errorLog = FileManager.default.temporaryDirectory.appendingPathComponent("readback-\(UUID().uuidString).log")
    _ = FileManager.default.createFile(atPath: errorLog.path, contents: nil)
    defer { try? FileManager.default.removeItem(at: errorLog) }
    let output = Pipe()
    process.standardOutput = output
    process.standardError = try FileHandle(forWritingTo: errorLog)
    try process.run()
    let data = await BlockingWork.wait {
      let data = output.fileHandleForReading.readDataToEndOfFile()
      process.waitUntilExit()
      return data
    }
    guard process.terminationStatus == 0 else {
      let problems = (try? String(contentsOf: errorLog, encoding: .utf8)) ?? ""
      throw TwinError.storage("readback.py exited \(process.terminationStatus): \(problems)")
    }
    return try JSONDecoder().decode(ReadBack.self, from: data)
  }

  struct ReadBack: Decodable {
    struct Run: Decodable {
      var run_id: String
      var name: String
      var status: String
      var params: [String: String]
      var tags: [String: String]
      var metrics: [String: [[JSONValue]]]
      var artifacts: [Artifact]
    }
    struct Artifact: Decodable {
      var path: String
      var bytes: Int?
    }
    struct Model: Decodable {
      var aliases: [String: String]
      var versions: [Version]
    }
    struct Version: Decodable {
      var version: Int
      var tags: [String: String]
      var source: String
      var run_id: String?
    }
    var runs: [Run]
    var models: [String: Model]
  }
}

@Suite(.serialized) struct MLflowServerTests {
  @Test func runsAndRegisteredModelsReadBackWithMLflowsClient() async throws {
    let (workspace, root) = try temporaryWorkspace()
    defer { try? FileManager.default.removeItem(at: root) }
    let server = try await MLflowServer.start(in: root)
    defer { server.stop() }
    let reports = Reports()
    let client = try MLflowClient(uri: server.uri)
    let tracker = MLflowTracker(local: workspace.experiments, client: client, report: reports.report)

    let run = UUID()
    try await tracker.start(
      ExperimentRun(
        id: run, experiment: "training", name: "twin-sft sft on instruct@1",
        parameters: ["dataset": "instruct@1", "settings": ["lora": ["rank": 8], "learningRate": 0.0003]],
        inputs: ["smollm2-135m-instruct", "instruct@1"], pipelineRunID: run))
    try await tracker.log(
      [MetricPoint(key: "loss", step: 1, value: 2.5), MetricPoint(key: "system/rss_mib", step: 1, value: 512)], run: run)
    try await tracker.log([MetricPoint(key: "loss", step: 2, value: 2.25), MetricPoint(key: "loss", step: 3, value: .nan)], run: run)
    let file = root.appendingPathComponent("adapter.gguf")
    try Data(repeating: 7, count: 1234).write(to: file)
    try await tracker.attach(RunArtifact(path: "adapter/adapter.gguf", blob: "abc", bytes: 1234), file: file, run: run)
    try await tracker.finish(run, status: .finished)

    let registry = MLflowModelRegistry(local: workspace.models, client: client, report: reports.report)
    _ = try await registry.register(newVersion("twin-sft", run: run, adapter: "a1"))
    _ = try await registry.setAlias("production", to: ModelReference(name: "twin-sft", version: 1))
    _ = try await registry.register(newVersion("twin-sft", run: nil, adapter: "a2"))
    _ = try await registry.setAlias("production", to: ModelReference(name: "twin-sft", version: 2))
    _ = try await registry.setAlias("staging", to: ModelReference(name: "twin-sft", version: 1))
    #expect(reports.lines.withLock { $0 }.isEmpty, "\(reports.lines.withLock { $0 })")

    let back = try await server.readBack(experiment: "training", models: ["twin-sft"])
    let mirrored = try #require(back.runs.first)
    #expect(back.runs.count == 1)
    #expect(mirrored.name == "twin-sft sft on instruct@1")
    #expect(mirrored.status == "FINISHED")
    #expect(mirrored.params["settings.lora.rank"] == "8")
    #expect(mirrored.params["dataset"] == "instruct@1")
    #expect(mirrored.tags[MLflowTracker.runTag] == run.uuidString.lowercased())
    #expect(mirrored.metrics["loss"] == [[1, 2.5], [2, 2.25], [3, "NaN"]])
    #expect(mirrored.metrics["system/rss_mib"] == [[1, 512]])
    #expect(mirrored.artifacts.map(\.path) == ["adapter/adapter.gguf"])
    #expect(mirrored.artifacts.first?.bytes == 1234)

    let model = try #require(back.models["twin-sft"])
    #expect(model.aliases == ["production": "2", "staging": "1"])
    #expect(model.versions.map { $0.tags[MLflowModelRegistry.versionTag] } == ["1", "2"])
    #expect(model.versions.first?.run_id == mirrored.run_id)
    #expect(model.versions.first?.source == "runs:/\(mirrored.run_id)/adapter")

    // Removing the version an alias points at is refused, here and so never mirrored.
    await #expect(throws: TwinError.self) { try await registry.remove(ModelReference(name: "twin-sft", version: 2)) }
    _ = try await registry.removeAlias("staging", of: "twin-sft")
    _ = try await registry.remove(ModelReference(name: "twin-sft", version: 1))
    let after = try await server.readBack(experiment: "training", models: ["twin-sft"])
    #expect(after.models["twin-sft"]?.versions.map(\.version) == [2])
    #expect(after.models["twin-sft"]?.aliases == ["production": "2"])
    #expect(reports.lines.withLock { $0 }.isEmpty, "\(reports.lines.withLock { $0 })")
  }
}
