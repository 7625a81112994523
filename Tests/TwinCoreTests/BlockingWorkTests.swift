import Dispatch
import Foundation
import Synchronization
import Testing
import TwinCore

@Suite struct BlockingWorkTests {
  /// What the waits, the task that ends them and the watchdog share.
  final class Gate: Sendable {
    let semaphore = DispatchSemaphore(value: 0)
    let blocked = Atomic<Int>(0)
    let openedByTask = Atomic<Bool>(false)
    let rescued = Atomic<Bool>(false)
  }

  /// More waits than cores block at once, and a task still runs meanwhile: the task that ends
  /// them, once all are blocked. Were the waits on the cooperative pool's threads (as they are
  /// on `DispatchQueue.global()` on Linux), no task could run until a watchdog thread let them
  /// go; the test then fails instead of hanging.
  @Test func waitsLeaveTheCooperativePoolFree() async {
    let count = ProcessInfo.processInfo.activeProcessorCount + 2
    let gate = Gate()
    Thread {
      // Generous: other suites' work may hold the pool for a while even when nothing is wrong.
      let deadline = Date().addingTimeInterval(300)
      while !gate.openedByTask.load(ordering: .acquiring), Date() < deadline { usleep(20_000) }
      guard !gate.openedByTask.load(ordering: .acquiring) else { return }
      gate.rescued.store(true, ordering: .releasing)
      for _ in 0..<count { gate.semaphore.signal() }
    }.start()

    await withTaskGroup(of: Void.self) { group in
      for _ in 0..<count {
        group.addTask {
          await BlockingWork.wait {
            gate.blocked.add(1, ordering: .acquiringAndReleasing)
            gate.semaphore.wait()
          }
        }
      }
      group.addTask {
        while gate.blocked.load(ordering: .acquiring) < count, !gate.rescued.load(ordering: .acquiring) {
          try? await Task.sleep(for: .milliseconds(5))
        }
        guard !gate.rescued.load(ordering: .acquiring) else { return }
        gate.openedByTask.store(true, ordering: .releasing)
        for _ in 0..<count { gate.semaphore.signal() }
      }
    }
    let opened = gate.openedByTask.load(ordering: .acquiring)
    let rescued = gate.rescued.load(ordering: .acquiring)
    #expect(opened)
    #expect(!rescued, "the waits held the cooperative pool until the watchdog freed them")
  }

  @Test func aWaitReturnsWhatItsClosureReturns() async {
    let value = await BlockingWork.wait { (1...10).reduce(0, +) }
    #expect(value == 55)
  }
}
