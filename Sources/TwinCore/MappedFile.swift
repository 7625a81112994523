#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// A whole file in memory, read-only, released when the last reference goes: how GGUF and
/// safetensors models are opened.
///
/// ``Residency/mapped`` (the default) maps the file: opening a model costs only its header,
/// weight pages are faulted in when a kernel first touches them, stay in the page cache between
/// runs and are shared by every process using the same file.
///
/// ``Residency/hugePages`` reads the file into anonymous memory backed by 2 MiB pages, for
/// weights that are streamed whole for every generated token. The page cache hands a mapping
/// 4 KiB pages, and a stream over them takes a TLB miss every 4 KiB and restarts the hardware
/// prefetchers at each page: on a Zen 5 machine two threads summing 1 GiB read 37 GB/s from a
/// mapped file and 46–52 GB/s from huge pages.
///
/// `@unchecked Sendable`: the pages are `PROT_READ`, the stored properties never change and
/// `munmap` runs only in `deinit`, so reads from any number of threads are safe.
public final class MappedFile: @unchecked Sendable {
  /// How the file's bytes are held.
  public enum Residency: Sendable {
    /// Mapped from the page cache, faulted in on first touch.
    case mapped
    /// Read at once into anonymous memory on 2 MiB pages (where the kernel grants them:
    /// transparent huge pages set to `always` or `madvise`; 4 KiB pages otherwise).
    case hugePages
  }

  /// The huge page size the ``Residency/hugePages`` copy is aligned to.
  static let hugePageSize = 2 << 20

  /// The first byte; nil for an empty file (mmap rejects a zero length).
  public let base: UnsafeRawPointer?
  /// The file's size in bytes.
  public let count: Int
  /// The start and length of what `deinit` unmaps.
  private let region: (start: UnsafeMutableRawPointer, length: Int)?

  /// Opens the regular file at `path`, held as `residency` says; the error is a human-readable
  /// reason.
  public init(path: String, residency: Residency = .mapped) throws(MappedFileError) {
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
      region = nil
      return
    }
    switch residency {
    case .mapped:
      let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0)
      guard let mapped, mapped != MAP_FAILED else {
        throw MappedFileError("mmap: \(String(cString: strerror(errno)))")
      }
      base = UnsafeRawPointer(mapped)
      region = (mapped, size)
    case .hugePages:
      let (start, length, aligned) = try Self.readIntoHugePages(fd, size: size)
      base = UnsafeRawPointer(aligned)
      region = (start, length)
    }
    count = size
  }

  deinit {
    if let region { munmap(region.start, region.length) }
  }

  /// Reads the `size` bytes of `fd` into a fresh anonymous region whose used part starts on a
  /// huge page boundary (THP only backs aligned 2 MiB ranges), then makes it read-only.
  private static func readIntoHugePages(
    _ fd: Int32, size: Int
  ) throws(MappedFileError) -> (start: UnsafeMutableRawPointer, length: Int, aligned: UnsafeMutableRawPointer) {
    let page = hugePageSize
    let length = (size + page - 1) / page * page + page
    let mapped = mmap(nil, length, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    guard let mapped, mapped != MAP_FAILED else {
      throw MappedFileError("mmap of \(length) bytes: \(String(cString: strerror(errno)))")
    }
    let offset = (page - Int(bitPattern: mapped) % page) % page
    let aligned = mapped + offset
    #if os(Linux)
      // Advice only: without transparent huge pages the copy is still correct, on 4 KiB pages.
      _ = madvise(aligned, length - offset, MADV_HUGEPAGE)
    #endif
    var done = 0
    while done < size {
      let n = pread(fd, aligned + done, min(size - done, 64 << 20), off_t(done))
      if n < 0 && errno == EINTR { continue }
      guard n > 0 else {
        let reason = n == 0 ? "the file ended after \(done) of \(size) bytes" : String(cString: strerror(errno))
        munmap(mapped, length)
        throw MappedFileError("read: \(reason)")
      }
      done += n
    }
    _ = mprotect(mapped, length, PROT_READ)
    return (mapped, length, aligned)
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
