import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import TwinCore
import TwinRAG

/// Runs queued RAG jobs one after another, in the background of `twin serve api`. On start it
/// puts jobs a stopped server left running back in the queue, so every job is answered once
/// the service is up again.
final class JobWorker: Service, Sendable {
  static let kind = "rag"
  let service: RAGService
  let jobs: any JobStore
  let logger: Logger
  let metrics: ServerMetrics
  private let poked = Mutex(false)

  init(service: RAGService, jobs: any JobStore, metrics: ServerMetrics, logger: Logger) {
    self.service = service
    self.jobs = jobs
    self.metrics = metrics
    self.logger = logger
  }

  /// Tells the worker a job was queued.
  func wake() { poked.withLock { $0 = true } }

  /// Whether the worker should stop taking jobs: the server is shutting down.
  private var stopping: Bool { Task.isCancelled || Task.isShuttingDownGracefully }

  func run() async throws {
    let requeued = try await jobs.requeueInterrupted(kind: Self.kind)
    if requeued > 0 { logger.notice("requeued \(requeued) interrupted job(s)") }
    while !stopping {
      do {
        // Checked before every claim: a long queue must not hold a stopping server open.
        while !stopping, let job = try await jobs.claimNext(kind: Self.kind) { await run(job) }
      } catch {
        logger.error("job queue: \(error)")
      }
      // Wait until poked, or look again after a second (jobs queued by another process).
      for _ in 0..<20 {
        if poked.withLock({ let was = $0; $0 = false; return was }) || Task.isShuttingDownGracefully { break }
        try? await Task.sleep(for: .milliseconds(50))
      }
    }
  }

  /// Runs one job. On shutdown its answer is cancelled (the generation stops at the next
  /// token) and the job goes back in the queue, to run again when the service is back.
  private func run(_ job: Job) async {
    do {
      let query = try JSONDecoder().decode(RAGService.Query.self, from: Data(job.request.canonicalJSON.utf8))
      let service = service
      let answer = try await cancelWhenGracefulShutdown { try await service.answer(query) }
      try await jobs.finish(id: job.id, result: try JSONValue.from(answer))
      metrics.ragJob("succeeded")
    } catch where stopping {
      do {
        // In a task of its own: once the grace period is over the worker itself is cancelled,
        // and a database write in a cancelled task is refused.
        let jobs = jobs
        try await Task { try await jobs.requeue(id: job.id) }.value
        logger.notice("stopping: job \(job.id) put back in the queue")
      } catch {
        // Left `running`: the next start requeues it (requeueInterrupted).
        logger.error("stopping: could not requeue job \(job.id): \(error)")
      }
    } catch let failure as RAGService.Failure {
      try? await jobs.fail(id: job.id, error: "\(failure.reason) (trace \(failure.traceID))")
      metrics.ragJob("failed")
    } catch {
      try? await jobs.fail(id: job.id, error: "\(error)")
      metrics.ragJob("failed")
    }
  }
}
