import Foundation
import TwinCore
import ZIPFoundation

/// Builds wheels (zip files with a `*.dist-info/RECORD`) for tests, correct unless told otherwise.
struct FakeWheel {
  /// The PyPI package name, e.g. `fake-model`.
  var package: String
  var version = "1.0"
  /// Files by path inside the wheel.
  var files: [(path: String, data: Data)] = []
  /// RECORD hashes to write instead of the true ones, by path (to fake a corrupt download).
  var wrongHashes: [String: String] = [:]

  init(package: String, files: [(String, Data)] = []) {
    self.package = package
    self.files = files.map { (path: $0.0, data: $0.1) }
  }

  /// The distribution name as wheel file names spell it: `fake_model`.
  var distribution: String { package.replacingOccurrences(of: "-", with: "_") }
  var fileName: String { "\(distribution)-\(version)-py3-none-any.whl" }

  /// Writes the wheel into `directory` and returns its URL.
  @discardableResult
  func write(into directory: URL) throws -> URL {
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    let url = directory.appendingPathComponent(fileName)
    try? FileManager.default.removeItem(at: url)
    let archive = try Archive(url: url, accessMode: .create)
    let distInfo = "\(distribution)-\(version).dist-info"
    var all = files
    all.append(
      (path: "\(distInfo)/METADATA", data: Data("Name: \(package)\nVersion: \(version)\n".utf8)))
    var record = ""
    for file in all {
      let hash = wrongHashes[file.path] ?? Self.recordHash(file.data)
      record += "\(Self.csv(file.path)),sha256=\(hash),\(file.data.count)\n"
    }
    record += "\(distInfo)/RECORD,,\n"
    all.append((path: "\(distInfo)/RECORD", data: Data(record.utf8)))
    for file in all {
      let data = file.data
      try archive.addEntry(
        with: file.path, type: .file, uncompressedSize: Int64(data.count),
        compressionMethod: .deflate
      ) { position, size in
        data.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    return url
  }

  /// A RECORD hash: URL-safe base64 of the SHA-256, no padding.
  static func recordHash(_ data: Data) -> String {
    let hex = SHA256Digest.hex(of: data)
    var bytes: [UInt8] = []
    var index = hex.startIndex
    while index < hex.endIndex {
      let next = hex.index(index, offsetBy: 2)
      bytes.append(UInt8(hex[index..<next], radix: 16)!)
      index = next
    }
    return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
      .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
  }

  static func csv(_ field: String) -> String {
    field.contains(",") || field.contains("\"")
      ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
  }
}
