import Foundation
import Testing
import TwinCore
import TwinOrchestrator
import TwinSQLite

/// Counts executions, so tests can tell a cached step from an executed one.
final class Counter: @unchecked Sendable {
  private let lock = NSLock()
  private var value = 0
  func next() -> Int { lock.withLock { value += 1; return value } }
  var count: Int { lock.withLock { value } }
}

/// The numbers pipeline's artifacts.
let loaded = ArtifactKey<[Int]>(step: "load")
let squared = ArtifactKey<[Int]>(step: "square")
let reported = ArtifactKey<Int>(step: "report")

@Suite struct PipelineRunnerTests {
  func pipeline(load: Counter, square: Counter, input: Int, version: String = "1", failSquare: Bool = false) throws -> Pipeline {
    try Pipeline(
      name: "numbers", parameters: .object(["input": .int(input)]),
      steps: [
        Step(name: "load", codeVersion: "1", parameters: .object(["input": .int(input)])) { _ in
          _ = load.next()
          return try StepOutput([input, input + 1], metadata: ["count": .int(2)])
        },
        Step(name: "square", codeVersion: version, dependsOn: ["load"]) { ctx in
          _ = square.next()
          if failSquare { throw TwinError.invalidInput("square refuses") }
          let numbers = try ctx.input(loaded)
          return try StepOutput(numbers.map { $0 * $0 })
        },
        Step(reported, codeVersion: "1", dependsOn: [squared.step], cache: .disabled) { ctx in
          (try ctx.input(squared).reduce(0, +), [:])
        },
      ])
  }

  @Test func recordsRunsStepsArtifactsAndLineage() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    let result = try await runner.run(try pipeline(load: Counter(), square: Counter(), input: 3))
    #expect(result.run.status == .succeeded)
    #expect(try result.output(reported) == 25)
    let steps = try await ws.runs.steps(runID: result.run.id)
    #expect(steps.map(\.name) == ["load", "square", "report"])
    #expect(steps.allSatisfy { $0.status == .succeeded && $0.duration != nil })
    let squareInputs = try await ws.runs.consumed(stepRunID: steps[1].id)
    #expect(squareInputs.map(\.name) == ["load"])
    let loadID = try #require(steps[0].outputArtifactID)
    let loadArtifact = try #require(try await ws.runs.artifact(id: loadID))
    #expect(loadArtifact.metadata["count"] == .int(2))
    #expect(String(decoding: try ws.blobs.get(loadArtifact.sha256), as: UTF8.self) == "[3,4]")
    let stored = try #require(try await ws.runs.run(id: result.run.id))
    #expect(stored.status == .succeeded)
    #expect(stored.parameters == .object(["input": .int(3)]))
  }

  @Test func cachesStepsWithTheSameCodeAndInputs() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    let load = Counter()
    let square = Counter()
    _ = try await runner.run(try pipeline(load: load, square: square, input: 3))
    let second = try await runner.run(try pipeline(load: load, square: square, input: 3))
    #expect(load.count == 1)
    #expect(square.count == 1)
    #expect(second.steps.map(\.status) == [.cached, .cached, .succeeded])
    #expect(try second.output(reported) == 25)
    // Same content: the artifact is not versioned again.
    #expect(second.artifacts["load"]?.version == 1)

    _ = try await runner.run(try pipeline(load: load, square: square, input: 5))
    #expect(load.count == 2 && square.count == 2)
    let loadV = try await runner.run(try pipeline(load: load, square: square, input: 5, version: "2"))
    #expect(load.count == 2 && square.count == 3)
    #expect(loadV.steps.map(\.status) == [.cached, .succeeded, .succeeded])

    _ = try await runner.run(try pipeline(load: load, square: square, input: 5, version: "2"), noCache: true)
    #expect(load.count == 3 && square.count == 4)
  }

  @Test func aFailedStepFailsTheRunAndSkipsDependents() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    let result = try await runner.run(try pipeline(load: Counter(), square: Counter(), input: 2, failSquare: true))
    #expect(result.run.status == .failed)
    #expect(result.run.error?.contains("square refuses") == true)
    let steps = try await ws.runs.steps(runID: result.run.id)
    #expect(steps.map(\.status) == [.succeeded, .failed, .skipped])
    #expect(steps[1].error?.contains("square refuses") == true)
  }

  @Test func cancellationMarksTheRunInterrupted() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    let started = AsyncStream<Void>.makeStream()
    let slow = try Pipeline(
      name: "slow",
      steps: [
        Step(name: "wait", codeVersion: "1") { _ in
          started.continuation.yield()
          try await Task.sleep(for: .seconds(60))
          return StepOutput(value: .null)
        },
        Step(name: "after", codeVersion: "1", dependsOn: ["wait"]) { _ in StepOutput(value: .null) },
      ])
    let task = Task { try await runner.run(slow) }
    for await _ in started.stream { break }
    task.cancel()
    let result = try await task.value
    #expect(result.run.status == .interrupted)
    #expect(result.steps.map(\.status) == [.interrupted, .interrupted])
  }

  @Test func runsOfDeadProcessesAreReapedAsInterrupted() async throws {
    let ws = try temporaryWorkspace()
    // A pid that cannot be alive: start time mismatched with our own pid.
    let me = ProcessIdentity.current
    let ghost = ProcessIdentity(pid: me.pid, startTicks: me.startTicks &+ 12345, hostname: me.hostname)
    let orphan = PipelineRun(pipeline: "etl", parameters: .object([:]), owner: ghost)
    try await ws.runs.insert(run: orphan)
    try await ws.runs.upsert(step: StepRun(runID: orphan.id, name: "crawl", codeVersion: "1", cacheKey: "k", status: .running))
    let alive = PipelineRun(pipeline: "etl", parameters: .object([:]))
    try await ws.runs.insert(run: alive)
    #expect(try await ws.runs.reapOrphanedRuns() == 1)
    #expect(try await ws.runs.run(id: orphan.id)?.status == .interrupted)
    #expect(try await ws.runs.steps(runID: orphan.id).first?.status == .interrupted)
    #expect(try await ws.runs.run(id: alive.id)?.status == .running)
  }

  @Test func invalidPipelinesAreRejected() {
    let noop: @Sendable (StepContext) async throws -> StepOutput = { _ in StepOutput(value: .null) }
    #expect(throws: TwinError.self) {
      try Pipeline(name: "p", steps: [Step(name: "a", codeVersion: "1", dependsOn: ["zz"], body: noop)])
    }
    #expect(throws: TwinError.self) {
      try Pipeline(
        name: "p",
        steps: [
          Step(name: "a", codeVersion: "1", dependsOn: ["b"], body: noop),
          Step(name: "b", codeVersion: "1", dependsOn: ["a"], body: noop),
        ])
    }
  }

  @Test func shortIDPrefixesFindRuns() async throws {
    let ws = try temporaryWorkspace()
    let run = PipelineRun(pipeline: "p", parameters: .object([:]))
    try await ws.runs.insert(run: run)
    let prefix = String(run.id.uuidString.prefix(8)).lowercased()
    #expect(try await ws.runs.runs(idPrefix: prefix).map(\.id) == [run.id])
    #expect(try await ws.runs.runs(idPrefix: "%").isEmpty)
  }
}

/// Bulk data moves through the blob store; manifests carry its hash.
@Suite struct BlobRefTests {
  @Test func vectorsAndValuesRoundTripByHash() throws {
    let ws = try temporaryWorkspace()
    let vectors: [[Float]] = [[1, -2.5, .pi], [0, .leastNonzeroMagnitude, -0.0]]
    let ref = try ws.blobs.put(vectors: vectors)
    #expect(ref.size == 24)
    let back = try ws.blobs.get(ref, dimension: 3)
    #expect(back.map { $0.map(\.bitPattern) } == vectors.map { $0.map(\.bitPattern) })
    #expect(throws: TwinError.self) { try ws.blobs.get(ref, dimension: 5) }
    let words = try ws.blobs.put(json: ["b": 2, "a": 1])
    #expect(try ws.blobs.put(json: ["a": 1, "b": 2]) == words, "the same value has the same hash")
    #expect(try ws.blobs.get(words) == ["a": 1, "b": 2])
  }

  /// A step that reads a blob is reused from the cache only while the blob's content is the
  /// same, because the manifest it depends on names the blob by hash.
  @Test func cachingFollowsTheBlobsContent() async throws {
    let ws = try temporaryWorkspace()
    let runner = PipelineRunner(store: ws.runs, blobs: ws.blobs)
    let stored = ArtifactKey<BlobRef<[String]>>(step: "store")
    let counted = ArtifactKey<Int>(step: "count")
    let counter = Counter()
    func pipeline(_ words: [String]) throws -> Pipeline {
      try Pipeline(
        name: "words", parameters: .object([:]),
        steps: [
          Step(stored, codeVersion: "1", cache: .disabled) { ctx in (try ctx.blobs.put(json: words), [:]) },
          Step(counted, codeVersion: "1", dependsOn: [stored.step]) { ctx in
            _ = counter.next()
            return (try ctx.blobs.get(try ctx.input(stored)).count, [:])
          },
        ])
    }
    #expect(try await runner.run(try pipeline(["a", "b"])).output(counted) == 2)
    #expect(try await runner.run(try pipeline(["a", "b"])).output(counted) == 2)
    #expect(counter.count == 1)
    #expect(try await runner.run(try pipeline(["a", "b", "c"])).output(counted) == 3)
    #expect(counter.count == 2)
  }
}
