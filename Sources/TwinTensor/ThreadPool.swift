import Foundation
import Synchronization

/// The persistent worker pool behind ``Parallel``.
///
/// One job at a time. A job is published by writing its fields and then making `generation`
/// odd; it is closed by making `generation` even again. Workers announce themselves in
/// `active` *before* re-checking the generation, and the submitter waits for `active` to drain
/// after closing, so a worker that saw a job can still safely read its fields while a worker
/// that arrives late sees the closed generation and touches nothing. Chunks are claimed with
/// an atomic counter, so the submitter finishes whatever a slow worker never picked up.
///
/// All shared mutable state is either atomic or written only by the thread holding `busy`
/// while no worker can read it, hence `@unchecked Sendable`.
final class ThreadPool: @unchecked Sendable {
  static let shared = ThreadPool()

  /// One worker's parking spot: it sleeps on `wake` after spinning idle for `spinNanoseconds`.
  private final class Slot: Sendable {
    let wake = DispatchSemaphore(value: 0)
    let sleeping = Atomic<Bool>(false)
  }

  /// How long an idle worker polls for the next job before sleeping. Kernels of one model
  /// forward pass follow each other within microseconds; waking a sleeping thread costs tens.
  private static let spinNanoseconds: UInt64 = 500_000

  private let requestedThreads: Atomic<Int>
  private let busy = Atomic<Bool>(false)
  private let generation = Atomic<Int>(0)
  private let active = Atomic<Int>(0)
  private let nextChunk = Atomic<Int>(0)
  private let doneChunks = Atomic<Int>(0)

  // The current job; written only by the submitter while the generation is even.
  private var body: ((Range<Int>) -> Void)?
  private var jobCount = 0
  private var jobChunks = 0
  private var jobWorkers = 0

  // Grown only by the submitter (while holding `busy`); each worker keeps its own slot.
  private var slots: [Slot] = []

  private init() {
    var threads = ProcessInfo.processInfo.activeProcessorCount
    if let text = ProcessInfo.processInfo.environment[ComputeThreads.environmentName],
      let value = ComputeThreads.count(from: text)
    {
      threads = value
    }
    requestedThreads = Atomic(max(threads, 1))
  }

  var threadCount: Int {
    get { requestedThreads.load(ordering: .relaxed) }
    set { requestedThreads.store(max(newValue, 1), ordering: .relaxed) }
  }

  /// Runs `body` over `count` indices cut into `chunks` ranges on up to `threads` threads.
  func run(count: Int, chunks: Int, threads: Int, _ body: (Range<Int>) -> Void) {
    guard busy.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
    else {
      // Nested or concurrent call: the cores are already taken, so run serially here.
      body(0..<count)
      return
    }
    defer { busy.store(false, ordering: .releasing) }

    let workers = threads - 1
    while slots.count < workers { spawnWorker(index: slots.count) }

    withoutActuallyEscaping(body) { escapable in
      self.body = escapable
      jobCount = count
      jobChunks = chunks
      jobWorkers = workers
      nextChunk.store(0, ordering: .sequentiallyConsistent)
      doneChunks.store(0, ordering: .sequentiallyConsistent)
      generation.wrappingAdd(1, ordering: .sequentiallyConsistent)  // odd: open
      for slot in slots.prefix(workers)
      where slot.sleeping.exchange(false, ordering: .sequentiallyConsistent) {
        slot.wake.signal()
      }

      runChunks()
      var spins = 0
      while doneChunks.load(ordering: .acquiring) < chunks {
        spins += 1
        if spins > 256 { sched_yield() }
      }

      generation.wrappingAdd(1, ordering: .sequentiallyConsistent)  // even: closed
      while active.load(ordering: .sequentiallyConsistent) > 0 { sched_yield() }
      self.body = nil
    }
  }

  /// Claims and runs chunks of the open job until none are left.
  private func runChunks() {
    guard let body else { return }
    let count = jobCount
    let chunks = jobChunks
    while true {
      let chunk = nextChunk.wrappingAdd(1, ordering: .sequentiallyConsistent).oldValue
      guard chunk < chunks else { return }
      body((chunk * count / chunks)..<((chunk + 1) * count / chunks))
      doneChunks.wrappingAdd(1, ordering: .releasing)
    }
  }

  private func spawnWorker(index: Int) {
    let slot = Slot()
    slots.append(slot)
    let thread = Thread { [self] in workerLoop(index: index, slot: slot) }
    thread.name = "twin-tensor-\(index + 1)"
    thread.start()
  }

  private func workerLoop(index: Int, slot: Slot) -> Never {
    var seen = 0
    while true {
      let job = waitForJob(after: seen, slot: slot)
      seen = job
      active.wrappingAdd(1, ordering: .sequentiallyConsistent)
      // Still the same open job? Then its fields stay valid until `active` drops again.
      if generation.load(ordering: .sequentiallyConsistent) == job, index < jobWorkers {
        runChunks()
      }
      active.wrappingSubtract(1, ordering: .sequentiallyConsistent)
    }
  }

  /// Returns the generation of the next open job other than `seen`, spinning and then sleeping.
  private func waitForJob(after seen: Int, slot: Slot) -> Int {
    var deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
    var spins = 0
    while true {
      let current = generation.load(ordering: .sequentiallyConsistent)
      if current != seen, current & 1 == 1 { return current }
      spins += 1
      guard spins & 255 == 0 else { continue }
      if DispatchTime.now().uptimeNanoseconds < deadline {
        sched_yield()
        continue
      }
      // Park. Publish `sleeping` before re-checking, so either this check sees a job posted
      // meanwhile or the submitter sees the flag and signals; never neither.
      slot.sleeping.store(true, ordering: .sequentiallyConsistent)
      let latest = generation.load(ordering: .sequentiallyConsistent)
      if latest != seen, latest & 1 == 1 {
        if slot.sleeping.compareExchange(
          expected: true, desired: false, ordering: .sequentiallyConsistent
        )
        .exchanged {
          return latest
        }
        slot.wake.wait()  // The submitter took the flag and is about to signal: consume it.
        return latest
      }
      slot.wake.wait()
      deadline = DispatchTime.now().uptimeNanoseconds + Self.spinNanoseconds
      spins = 0
    }
  }
}
