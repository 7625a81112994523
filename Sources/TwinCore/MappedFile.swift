#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file mapped read-only, unmapped when the last reference goes: how GGUF and
/// safetensors models are opened.
///
/// Mapping rather than reading means opening a model costs only its header: weight pages are
/// faulted in when a kernel first touches them, stay in the page cache between runs and are
/// shared by every process using the same file.
///
/// `@unchecked Sendable`: the pages are `PROT_READ`, the stored properties never change and
/// `munmap` runs only in `deinit`, so reads from any number of threads are safe.
public final class MappedFile: @unchecked Sendable {
  /// The first byte; nil for an empty file (mmap rejects a zero length).
  public let base: UnsafeRawPointer?
  /// The file's size in bytes.
  public let count: Int

  /// Maps the regular file at `path`; the error is a human-readable reason.
  public init(path: String) throws(MappedFileError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MappedFileError("open: \(String(cString: strerror(errno)))") }
    // The mapping holds its own reference to the file, so the descriptor can go at once.
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else {
      throw MappedFileError("stat: \(String(cString: strerror(errno)))")
    }
    guard (status.st_mode & S_IFMT) == S_IFREG else { throw MappedFileError("not a regular file") }
    let size = Int(status.st_size)
    guard size > 0 else {
      base = nil
      count = 0
      return
    }
    let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let mapped, mapped != MAP_FAILED else {
      throw MappedFileError("mmap: \(String(cString: strerror(errno)))")
    }
    base = UnsafeRawPointer(mapped)
    count = size
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// The mapped bytes, valid while this object lives.
  public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// Why a file could not be mapped.
public struct MappedFileError: Error, Sendable {
  /// What failed and why (`open: No such file or directory`).
  public var reason: String
  init(_ reason: String) { self.reason = reason }
}
