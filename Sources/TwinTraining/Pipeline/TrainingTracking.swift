import Foundation
import Synchronization
import TwinCore

/// Sends one training run's records to an experiment tracker while it trains.
///
/// The trainer reports from a blocking thread, so its points go through a stream to one
/// consumer task that logs them in order; a sampler adds the process's memory and CPU every few
/// seconds. The tracker failing never fails the training: the first error is noted on the
/// progress line and later points are still tried (a tracker may come back).
final class TrainingTracking: Sendable {
  let tracker: any ExperimentTracker
  let run: UUID
  private let continuation: AsyncStream<[MetricPoint]>.Continuation
  private let consumer: Task<Void, Never>
  private let sampler: Task<Void, Never>
  /// The last optimiser step reported: the step system samples are logged at.
  private let step = LastStep()

  /// A shared counter (an `Atomic` cannot be captured by the sampler itself).
  final class LastStep: Sendable {
    private let value = Atomic<Int>(0)
    func load() -> Int { value.load(ordering: .relaxed) }
    func store(_ step: Int) { value.store(step, ordering: .relaxed) }
  }

  /// Seconds between system samples.
  static let sampleInterval: Duration = .seconds(5)

  init(tracker: any ExperimentTracker, run: UUID, progress: any ProgressReporter) {
    self.tracker = tracker
    self.run = run
    let (stream, continuation) = AsyncStream.makeStream(of: [MetricPoint].self)
    self.continuation = continuation
    consumer = Task {
      var failed = false
      for await points in stream {
        do {
          try await tracker.log(points, run: run)
        } catch {
          if !failed { progress.note("experiment tracking: \(error)") }
          failed = true
        }
      }
    }
    let step = self.step
    sampler = Task {
      var last = ProcessStat.read()
      var lastTime = ContinuousClock.now
      while !Task.isCancelled {
        try? await Task.sleep(for: Self.sampleInterval)
        guard !Task.isCancelled, let now = ProcessStat.read() else { continue }
        let time = ContinuousClock.now
        let elapsed = (time - lastTime) / .seconds(1)
        var points = [MetricPoint(key: MetricKey.residentMemory, step: step.load(), value: now.residentBytes / 1_048_576)]
        if let last, elapsed > 0 {
          points.append(
            MetricPoint(key: MetricKey.cpu, step: step.load(), value: (now.cpuSeconds - last.cpuSeconds) / elapsed * 100))
        }
        continuation.yield(points)
        (last, lastTime) = (now, time)
      }
    }
  }

  /// Queues the metrics of a trainer's event.
  func record(_ event: TrainingEvent) {
    switch event {
    case .step(let s):
      step.store(s.step)
      var points = [
        MetricPoint(key: MetricKey.loss, step: s.step, value: s.loss),
        MetricPoint(key: MetricKey.learningRate, step: s.step, value: Double(s.learningRate)),
        MetricPoint(key: MetricKey.gradientNorm, step: s.step, value: Double(s.gradientNorm)),
        MetricPoint(key: MetricKey.tokensPerSecond, step: s.step, value: s.tokensPerSecond),
      ]
      if let accuracy = s.rewardAccuracy { points.append(MetricPoint(key: MetricKey.rewardAccuracy, step: s.step, value: accuracy)) }
      if let margin = s.rewardMargin { points.append(MetricPoint(key: MetricKey.rewardMargin, step: s.step, value: margin)) }
      continuation.yield(points)
    case .evaluation(let step, let result):
      continuation.yield([MetricPoint(key: MetricKey.evaluationLoss, step: step, value: result.loss)])
    case .reference, .checkpoint:
      break
    }
  }

  /// Stops sampling and waits until every queued point is logged.
  func flush() async {
    sampler.cancel()
    continuation.finish()
    await consumer.value
  }
}
