import Dispatch
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Runs work so that Ctrl-C or SIGTERM cancels it cleanly: the pipeline runner then records the
/// run as interrupted. A second signal exits at once (the next `twin` command reaps the run).
enum Interruption {
  static func run<T: Sendable>(_ work: @escaping @Sendable () async throws -> T) async throws -> T {
    let task = Task { try await work() }
    let sources = [SIGINT, SIGTERM].map { sig -> DispatchSourceSignal in
      signal(sig, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
      let count = SignalCount()
      source.setEventHandler {
        if count.increment() > 1 { exit(130) }
        Stderr.write("\ninterrupting… (press Ctrl-C again to quit at once)\n")
        task.cancel()
      }
      source.resume()
      return source
    }
    defer { sources.forEach { $0.cancel() } }
    return try await task.value
  }
}

private final class SignalCount: @unchecked Sendable {
  // @unchecked: the counter is guarded by `lock`.
  private let lock = NSLock()
  private var value = 0
  func increment() -> Int { lock.withLock { value += 1; return value } }
}
