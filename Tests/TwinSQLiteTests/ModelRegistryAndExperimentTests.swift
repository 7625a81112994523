import Foundation
import Testing
import TwinCore
import TwinOrchestrator
import TwinSQLite

private func version(_ adapter: String, name: String = "twin-sft") -> NewModelVersion {
  NewModelVersion(
    name: name, method: .sft, baseModel: "smollm2-135m-instruct", parent: nil, dataset: "instruct@1", runID: nil,
    files: ModelFiles(ggufAdapter: adapter, peftConfiguration: adapter + "-config", peftWeights: adapter + "-weights"),
    lineage: [:], metrics: [:])
}

@Suite struct SQLiteModelRegistryAliasTests {
  @Test func anAliasResolvesMovesAndGuardsItsVersion() async throws {
    let models = try temporaryWorkspace().models
    _ = try await models.register(version("a1"))
    _ = try await models.register(version("a2"))

    let (first, previous) = try await models.setAlias("production", to: ModelReference(name: "twin-sft", version: 1))
    #expect(first.version == 1 && previous == nil)
    #expect(try await models.version(ModelReference(parsing: "twin-sft@production", of: "model")).version == 1)
    // No version given: the latest, not the alias.
    #expect(try await models.version(ModelReference(name: "twin-sft")).version == 2)

    let (moved, from) = try await models.setAlias("production", to: ModelReference(name: "twin-sft", version: 2))
    #expect(moved.version == 2 && from == 1)
    #expect(try await models.aliases(of: "twin-sft").map(\.target) == ["twin-sft@2"])

    // The version production points at cannot be removed; another can.
    await #expect(throws: TwinError.self) { try await models.remove(ModelReference(name: "twin-sft", version: 2)) }
    #expect(try await models.remove(ModelReference(name: "twin-sft", version: 1)).version == 1)
    #expect(try await models.versions(name: "twin-sft").map(\.version) == [2])

    #expect(try await models.removeAlias("production", of: "twin-sft"))
    #expect(try await !models.removeAlias("production", of: "twin-sft"))
    await #expect(throws: TwinError.self) {
      try await models.version(ModelReference(name: "twin-sft", alias: "production"))
    }
  }

  @Test func aliasesThatCouldReadAsVersionsOrUnknownVersionsAreRefused() async throws {
    let models = try temporaryWorkspace().models
    _ = try await models.register(version("a1"))
    for bad in ["3", "latest", "", "Prod uction", String(repeating: "a", count: 80)] {
      let error = await #expect(throws: TwinError.self) {
        try await models.setAlias(bad, to: ModelReference(name: "twin-sft", version: 1))
      }
      #expect(error.map { "\($0)".contains("'\(bad)'") } == true, "\(String(describing: error))")
    }
    let missing = await #expect(throws: TwinError.self) {
      try await models.setAlias("production", to: ModelReference(name: "twin-sft", version: 9))
    }
    #expect(missing.map { "\($0)".contains("twin-sft@9") } == true, "\(String(describing: missing))")
    #expect(try await models.aliases(of: nil).isEmpty)
  }

  @Test func evaluationsAreKeptPerModelNewestFirst() async throws {
    let models = try temporaryWorkspace().models
    let older = ModelEvaluationRecord(
      model: "twin-sft@1", dataset: "instruct@1", runID: UUID(),
      metrics: [.perplexity: MetricSummary(mean: 12, lower: 10, upper: 14, count: 5)],
      createdAt: Date(timeIntervalSince1970: 1000))
    let newer = ModelEvaluationRecord(
      model: "twin-sft@1", dataset: "instruct@2", runID: UUID(),
      metrics: [.perplexity: MetricSummary(mean: 9, lower: 8, upper: 10, count: 5), .rougeL: MetricSummary(values: [0.2, 0.4])!],
      createdAt: Date(timeIntervalSince1970: 2000))
    let base = ModelEvaluationRecord(
      model: "smollm2-135m-instruct", dataset: "instruct@2", runID: UUID(),
      metrics: [.perplexity: MetricSummary(mean: 15, lower: 14, upper: 16, count: 5)], createdAt: Date(timeIntervalSince1970: 1500))
    for record in [older, base, newer] { try await models.record(record) }
    // Recording the same run again replaces rather than duplicates.
    try await models.record(newer)

    let mine = try await models.evaluations(of: "twin-sft@1")
    #expect(mine.map(\.dataset) == ["instruct@2", "instruct@1"])
    #expect(abs((mine.first?.metrics[.rougeL]?.mean ?? 0) - 0.3) < 1e-12)
    #expect(mine.first?.metrics[.perplexity] == MetricSummary(mean: 9, lower: 8, upper: 10, count: 5))
    #expect(try await models.evaluations(of: nil).map(\.model) == ["twin-sft@1", "smollm2-135m-instruct", "twin-sft@1"])
  }
}

@Suite struct SQLiteExperimentStoreTests {
  func run(_ experiment: String = "training", started: Date = Date()) -> ExperimentRun {
    ExperimentRun(
      id: UUID(), experiment: experiment, name: "twin-sft sft on instruct@1",
      parameters: ["learningRate": 0.0003, "lora": ["rank": 8]], inputs: ["instruct@1"], pipelineRunID: nil,
      startedAt: started)
  }

  @Test func aRunKeepsItsCurveArtifactsAndEnd() async throws {
    let store = try temporaryWorkspace().experiments
    let training = run()
    try await store.start(training)
    try await store.log([MetricPoint(key: MetricKey.loss, step: 1, value: 2.5), MetricPoint(key: MetricKey.loss, step: 2, value: .nan)], run: training.id)
    // A step logged again replaces its value.
    try await store.log([MetricPoint(key: MetricKey.loss, step: 1, value: 2.25)], run: training.id)
    try await store.attach(RunArtifact(path: "adapter/adapter.gguf", blob: "abc", bytes: 12), file: URL(fileURLWithPath: "/dev/null"), run: training.id)
    try await store.finish(training.id, status: .finished)

    let points = try await store.metrics(run: training.id)
    #expect(points.map(\.step) == [1, 2])
    #expect(points[0].value == 2.25)
    #expect(points[1].value.isNaN, "a NaN loss reads back as NaN")
    #expect(try await store.artifacts(run: training.id) == [RunArtifact(path: "adapter/adapter.gguf", blob: "abc", bytes: 12)])
    let stored = try await store.run(String(training.id.uuidString.prefix(8)))
    #expect(stored.status == .finished && stored.endedAt != nil)
    #expect(stored.parameters == training.parameters && stored.inputs == ["instruct@1"])
  }

  @Test func runsAreListedNewestFirstAndFoundByPrefix() async throws {
    let store = try temporaryWorkspace().experiments
    let old = run(started: Date(timeIntervalSince1970: 1000))
    let new = run("evaluation", started: Date(timeIntervalSince1970: 2000))
    try await store.start(old)
    try await store.start(new)
    #expect(try await store.runs(experiment: nil, limit: 10).map(\.id) == [new.id, old.id])
    #expect(try await store.runs(experiment: "training", limit: 10).map(\.id) == [old.id])
    #expect(try await store.runs(experiment: nil, limit: 1).map(\.id) == [new.id])
    await #expect(throws: TwinError.self) { try await store.run("not-an-id") }
    await #expect(throws: TwinError.self) { try await store.run("00000000") }
  }

  @Test func loggingToAnUnknownRunOrWithABadKeyIsRefused() async throws {
    let store = try temporaryWorkspace().experiments
    await #expect(throws: TwinError.self) { try await store.log([MetricPoint(key: "loss", step: 1, value: 1)], run: UUID()) }
    let training = run()
    try await store.start(training)
    let error = await #expect(throws: TwinError.self) { try await store.log([MetricPoint(key: "", step: 1, value: 1)], run: training.id) }
    #expect(error.map { "\($0)".contains("metric name") } == true)
    #expect(try await store.metrics(run: training.id).isEmpty)
  }

  @Test func runsOfDeadProcessesAreReapedAsInterrupted() async throws {
    let store = try temporaryWorkspace().experiments
    let me = ProcessIdentity.current
    let ghost = ProcessIdentity(pid: me.pid, startTicks: me.startTicks &+ 12345, hostname: me.hostname)
    let orphan = run()
    let alive = run()
    try await store.start(orphan, owner: ghost)
    try await store.start(alive)
    #expect(try await store.reapOrphanedRuns() == 1)
    #expect(try await store.run(orphan.id.uuidString).status == .interrupted)
    #expect(try await store.run(alive.id.uuidString).status == .running)
    #expect(try await store.reapOrphanedRuns() == 0)
  }
}
