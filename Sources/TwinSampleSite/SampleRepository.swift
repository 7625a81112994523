import Foundation
import Subprocess
import SystemPackage

/// The bundled sample git repository: `minirag`, a small Python library (chunking and BM25)
/// by "Twin Developers". The quickstart crawls it to show the repository crawler in seconds;
/// crawling Twin's own sources (`twin quickstart --full`) embeds thousands of chunks.
public enum SampleRepository {
  /// Who the quickstart files the repository under.
  public static let author = "Twin Developers"

  /// The repository's files inside the module bundle (the `Repository` resource).
  public static var files: URL {
    guard let url = Bundle.module.url(forResource: "Repository", withExtension: nil) else {
      fatalError("TwinSampleSite: the bundled 'Repository' resource is missing")
    }
    return url
  }

  /// Makes `directory` a git repository holding the bundled files in one commit, unless it
  /// already is one, and returns it. The commit's author and dates are fixed, so every
  /// checkout has the same commit and a re-run crawls nothing new.
  ///
  /// The repository is built beside `directory` and moved into place at the end: an
  /// interrupted checkout leaves nothing half-made where the crawler looks.
  ///
  /// - Throws: ``SampleRepositoryError`` when git fails or `directory` holds something else.
  public static func checkout(at directory: URL) async throws -> URL {
    let manager = FileManager.default
    if manager.fileExists(atPath: directory.path) {
      guard (try? await git(["rev-parse", "--verify", "HEAD"], in: directory)) != nil else {
        throw SampleRepositoryError.occupied(directory.path)
      }
      return directory
    }
    let staging = directory.deletingLastPathComponent()
      .appendingPathComponent(".\(directory.lastPathComponent)-\(UUID().uuidString.prefix(8))")
    try manager.createDirectory(at: directory.deletingLastPathComponent(), withIntermediateDirectories: true)
    defer { try? manager.removeItem(at: staging) }
    try manager.copyItem(at: files, to: staging)
    try await git(["init", "-q"], in: staging)
    try await git(["add", "-A"], in: staging)
    try await git(
      [
        "-c", "user.name=\(author)", "-c", "user.email=developers@twin.invalid", "-c", "commit.gpgsign=false",
        "-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "-m",
        "minirag: heading-aware chunking and BM25 ranking",
      ], in: staging,
      environment: ["GIT_AUTHOR_DATE": "2026-01-05T09:00:00Z", "GIT_COMMITTER_DATE": "2026-01-05T09:00:00Z"])
    try manager.moveItem(at: staging, to: directory)
    return directory
  }

  @discardableResult
  private static func git(
    _ arguments: [String], in directory: URL, environment: [Environment.Key: String?] = [:]
  ) async throws -> String {
    let run = {
      try await Subprocess.run(
        .name("git"), arguments: Arguments(arguments), environment: .inherit.updating(environment),
        workingDirectory: FilePath(directory.path), output: .string(limit: 1 << 16), error: .string(limit: 1 << 16))
    }
    guard let result = try? await run() else {
      throw SampleRepositoryError.git(arguments.first ?? "git", "git could not be run (is it installed?)")
    }
    guard result.terminationStatus.isSuccess else {
      throw SampleRepositoryError.git(
        arguments.filter { !$0.hasPrefix("-") && !$0.contains("=") }.first ?? "git",
        result.standardError.trimmingCharacters(in: .whitespacesAndNewlines))
    }
    return result.standardOutput
  }
}

/// Why the sample repository could not be made.
public enum SampleRepositoryError: Error, CustomStringConvertible, Equatable {
  /// The directory exists but is not a git repository with a commit.
  case occupied(String)
  /// A git command failed (`git` must be installed).
  case git(String, String)

  public var description: String {
    switch self {
    case .occupied(let path): "\(path) exists but is not the sample repository: move it away and run again"
    case .git(let command, let message): "git \(command) failed making the sample repository: \(message)"
    }
  }
}
