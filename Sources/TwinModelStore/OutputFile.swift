import Foundation

/// A file being written chunk by chunk, flushed to disk before it counts as written.
final class OutputFile {
  let url: URL
  private let handle: FileHandle
  private var closed = false

  /// Creates (or truncates) `url`, making its parent directories.
  init(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw ModelStoreError.storage("cannot create \(url.path)")
      }
      handle = try FileHandle(forWritingTo: url)
    } catch let error as ModelStoreError {
      throw error
    } catch {
      throw ModelStoreError.storage("cannot create \(url.path): \(error.localizedDescription)")
    }
    self.url = url
  }

  func write(_ data: Data) throws {
    do {
      try handle.write(contentsOf: data)
    } catch {
      throw ModelStoreError.storage("cannot write \(url.path): \(error.localizedDescription)")
    }
  }

  /// Flushes and closes: after this returns the bytes survive a crash, so the directory
  /// holding the file can be renamed into place.
  func finish() throws {
    do {
      try handle.synchronize()
      try handle.close()
      closed = true
    } catch {
      throw ModelStoreError.storage("cannot write \(url.path): \(error.localizedDescription)")
    }
  }

  deinit {
    if !closed { try? handle.close() }
  }
}
