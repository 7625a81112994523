#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file mapped read-only into memory, unmapped when the last reference goes.
///
/// Mapping instead of reading lets the kernel page weights in on first touch and share them
/// between processes, so opening a 100 MB model costs nothing until its tensors are used.
///
/// `@unchecked Sendable`: the pages are mapped `PROT_READ` and never written, the stored
/// properties are immutable, and `munmap` runs only in `deinit`, when no other reference can
/// exist; so concurrent reads from any thread are safe.
final class MemoryMap: @unchecked Sendable {
  /// The first byte of the mapping; nil for an empty file (mmap rejects a zero length).
  let base: UnsafeRawPointer?
  let count: Int

  /// Maps the whole regular file at `path`.
  init(path: String) throws(MemoryMapError) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw MemoryMapError(operation: "open", code: errno) }
    // The mapping keeps the file alive on its own, so the descriptor can close right away.
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0 else { throw MemoryMapError(operation: "stat", code: errno) }
    guard (status.st_mode & S_IFMT) == S_IFREG else {
      throw MemoryMapError(operation: "open", code: EISDIR, reason: "not a regular file")
    }
    let size = Int(status.st_size)
    guard size > 0 else {
      base = nil
      count = 0
      return
    }
    let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
    guard let mapped, mapped != MAP_FAILED else {
      throw MemoryMapError(operation: "mmap", code: errno)
    }
    base = UnsafeRawPointer(mapped)
    count = size
  }

  deinit {
    if let base { munmap(UnsafeMutableRawPointer(mutating: base), count) }
  }

  /// The mapped bytes; valid as long as this object is alive.
  var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }
}

/// A failed system call while mapping a file.
struct MemoryMapError: Error {
  var operation: String
  var code: Int32
  var reason: String?

  var message: String { "\(operation): \(reason ?? String(cString: strerror(code)))" }
}
