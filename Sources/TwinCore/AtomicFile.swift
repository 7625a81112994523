import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Writes files so that readers see the old content or the new, never a prefix.
public enum AtomicFile {
  /// Writes `data` to a temporary file beside `url`, flushes it, then `rename(2)`s it over `url`.
  public static func write(_ data: Data, to url: URL) throws {
    let dir = url.deletingLastPathComponent()
    let temp = dir.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
    do {
      try data.write(to: temp)
      let handle = try FileHandle(forWritingTo: temp)
      try handle.synchronize()
      try handle.close()
    } catch {
      try? FileManager.default.removeItem(at: temp)
      throw TwinError.storage("cannot write \(url.path): \(error.localizedDescription)")
    }
    guard rename(temp.path, url.path) == 0 else {
      let reason = String(cString: strerror(errno))
      try? FileManager.default.removeItem(at: temp)
      throw TwinError.storage("cannot write \(url.path): \(reason)")
    }
  }
}
