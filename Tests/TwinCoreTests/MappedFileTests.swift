import Foundation
import Testing
import TwinCore

@Suite struct MappedFileTests {
  /// A file of `count` pseudo-random bytes in a fresh directory.
  func file(bytes count: Int) throws -> (url: URL, bytes: [UInt8]) {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twin-mapped-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    let bytes = (0..<count).map { _ -> UInt8 in
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return UInt8(truncatingIfNeeded: state >> 56)
    }
    let url = directory.appendingPathComponent("weights.bin")
    try Data(bytes).write(to: url)
    return (url, bytes)
  }

  /// Both residencies hold the file's exact bytes; the huge-page copy starts on a 2 MiB
  /// boundary (transparent huge pages back only aligned ranges) and ends with the file, even
  /// when its size is not a multiple of the page or of the copy's 64 MiB reads.
  @Test(arguments: [1, 4_096, (2 << 20) + 17, (64 << 20) + 3])
  func bothResidenciesHoldTheFilesBytes(size: Int) throws {
    let (url, bytes) = try file(bytes: size)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    let mapped = try MappedFile(path: url.path)
    let copied = try MappedFile(path: url.path, residency: .hugePages)
    #expect(mapped.count == size)
    #expect(copied.count == size)
    #expect(Array(mapped.bytes) == bytes)
    #expect(Array(copied.bytes) == bytes)
    let start = Int(bitPattern: copied.base)
    #expect(start % (2 << 20) == 0, "the copy starts at \(start)")
  }

  /// An empty file has no bytes and no base in either residency; a directory and a missing
  /// file are refused with a reason.
  @Test func emptyFilesDirectoriesAndMissingFiles() throws {
    let (url, _) = try file(bytes: 0)
    defer { try? FileManager.default.removeItem(at: url.deletingLastPathComponent()) }
    for residency in [MappedFile.Residency.mapped, .hugePages] {
      let empty = try MappedFile(path: url.path, residency: residency)
      #expect(empty.count == 0 && empty.base == nil)
      let directory = url.deletingLastPathComponent().path
      #expect(throws: MappedFileError.self) { try MappedFile(path: directory, residency: residency) }
      do {
        _ = try MappedFile(path: directory + "/missing.bin", residency: residency)
        Issue.record("a missing file opened")
      } catch {
        #expect(error.reason.contains("No such file"), "\(error.reason)")
      }
    }
  }
}
