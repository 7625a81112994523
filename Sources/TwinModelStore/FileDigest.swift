import Crypto
import Foundation

/// Streaming SHA-256 of files, a megabyte at a time: model files are hundreds of megabytes.
enum FileDigest {
  static let chunkSize = 1 << 20

  /// Lower-case hex SHA-256 and size of the file at `url`.
  static func sha256(of url: URL) throws -> (hex: String, size: Int64) {
    let handle: FileHandle
    do {
      handle = try FileHandle(forReadingFrom: url)
    } catch {
      throw ModelStoreError.damaged(
        file: url.path, reason: "cannot be read (\(error.localizedDescription))")
    }
    defer { try? handle.close() }
    var hasher = SHA256()
    var size: Int64 = 0
    while let chunk = try handle.read(upToCount: chunkSize), !chunk.isEmpty {
      hasher.update(data: chunk)
      size += Int64(chunk.count)
    }
    return (hex(hasher.finalize()), size)
  }

  static func hex(_ digest: SHA256.Digest) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var out: [UInt8] = []
    out.reserveCapacity(64)
    for byte in digest {
      out.append(digits[Int(byte >> 4)])
      out.append(digits[Int(byte & 0xf)])
    }
    return String(decoding: out, as: UTF8.self)
  }
}
