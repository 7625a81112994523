import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An exclusive `flock` on a file, so two processes never pull the same model at once (they
/// would delete each other's partial directories). The kernel drops it if the process dies.
final class DirectoryLock: Sendable {
  private let descriptor: Int32

  private init(descriptor: Int32) { self.descriptor = descriptor }

  /// Takes the lock on `url` (created if needed), polling while another process holds it so no
  /// thread is blocked; `waiting` is called once if it has to wait.
  static func acquire(_ url: URL, waiting: @Sendable () -> Void) async throws -> DirectoryLock {
    let fd = open(url.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else {
      throw ModelStoreError.storage(
        "cannot open lock file \(url.path): \(String(cString: strerror(errno)))")
    }
    var announced = false
    while flock(fd, LOCK_EX | LOCK_NB) != 0 {
      guard errno == EWOULDBLOCK || errno == EINTR else {
        let reason = String(cString: strerror(errno))
        close(fd)
        throw ModelStoreError.storage("cannot lock \(url.path): \(reason)")
      }
      if !announced {
        waiting()
        announced = true
      }
      do {
        try await Task.sleep(for: .milliseconds(200))
      } catch {
        close(fd)
        throw error
      }
    }
    return DirectoryLock(descriptor: fd)
  }

  deinit {
    // Closing the descriptor releases the lock.
    close(descriptor)
  }
}
