import Foundation
import Logging
import Subprocess
import SystemPackage
import TwinCore

/// Turns a git repository into a repository document: every committed text file, keyed by path.
///
/// The repository is shallow-cloned (`--depth 1`) into a temporary directory that is always
/// removed afterwards, and its files are read by ``RepositoryFileWalker``: vendored and build
/// folders, lock files, binaries, non-UTF-8 files and oversized files are left out, and the total
/// is capped. Remote hosts are checked by ``SSRFGuard`` unless private networks are allowed;
/// since git resolves the host again itself, HTTP redirects are also refused then, so a public
/// server cannot bounce the clone into a private network.
public struct GitRepositoryCrawler: Sendable {
  /// The outcome of a crawl: the document and what was left out of it.
  public struct Crawl: Sendable {
    public var document: RawDocument
    /// Paths not included, in walk order.
    public var skipped: [RepositorySkippedPath]
  }

  /// The values the `git.*` settings accept.
  public enum Ranges {
    public static let maxFileBytes = 1...104_857_600
    public static let timeoutSeconds = 1.0...3600.0
  }

  /// Files larger than this are skipped.
  public var maxFileBytes: Int
  /// At most this many files are kept.
  public var maxFiles: Int
  /// The kept files' sizes add up to at most this.
  public var maxTotalBytes: Int
  /// `git clone` is stopped after this long.
  public var timeout: Duration
  /// Whether remote hosts that resolve to private or local addresses may be cloned.
  public var allowPrivateNetwork: Bool
  private let logger: Logger

  /// The most of git's standard error kept for an error message.
  private static let stderrLimit = 256 * 1024

  public init(
    maxFileBytes: Int = 256 * 1024, maxFiles: Int = 2_000, maxTotalBytes: Int = 16 * 1024 * 1024,
    timeout: Duration = .seconds(120), allowPrivateNetwork: Bool = false,
    logger: Logger = Logger(label: "twin.crawlers.git")
  ) {
    self.maxFileBytes = maxFileBytes
    self.maxFiles = maxFiles
    self.maxTotalBytes = maxTotalBytes
    self.timeout = timeout
    self.allowPrivateNetwork = allowPrivateNetwork
    self.logger = logger
  }

  /// Clones `link` (a remote URL, `file://` URL or local directory) and reads it into a
  /// repository document attributed to `author`.
  ///
  /// - Throws: ``GitCrawlError``, ``FetchError/privateAddressBlocked(url:address:range:)`` for a
  ///   remote host on a private network, or `CancellationError`.
  public func crawl(_ link: String, author: User) async throws -> Crawl {
    let location = try GitRepositoryLocation(link)
    var vetted: IPAddress?
    if let host = location.remoteHost, !allowPrivateNetwork {
      vetted = try await SSRFGuard.check(host: host, url: location.link).first
    }

    let workspace = FileManager.default.temporaryDirectory
      .appendingPathComponent("twin-git-\(UUID().uuidString)", isDirectory: true)
    defer { try? FileManager.default.removeItem(at: workspace) }
    let checkout = workspace.appendingPathComponent("repository", isDirectory: true)
    do {
      try FileManager.default.createDirectory(at: workspace, withIntermediateDirectories: true)
    } catch {
      throw GitCrawlError.unreadable(
        link: location.link, reason: "cannot create \(workspace.path): \(error)")
    }

    try await clone(location, into: checkout, pinnedTo: vetted)

    let walked: RepositoryFileWalker.Result
    do {
      let walker = RepositoryFileWalker(
        maxFileBytes: maxFileBytes, maxFiles: maxFiles, maxTotalBytes: maxTotalBytes)
      walked = try walker.walk(checkout)
    } catch {
      throw GitCrawlError.unreadable(link: location.link, reason: "\(error)")
    }
    logger.info(
      "read repository",
      metadata: [
        "link": "\(location.link)", "files": "\(walked.files.count)",
        "skipped": "\(walked.skipped.count)",
      ])
    let document = try RawDocument.repository(
      content: walked.files.mapValues { Optional($0) }, platform: location.platform,
      author: author, name: location.name, link: location.link)
    return Crawl(document: document, skipped: walked.skipped)
  }

  // MARK: - Cloning

  /// Clones `location`; with `address`, git's connection is pinned to it.
  ///
  /// Git resolves the host again on its own, so without a pin a DNS answer that changes
  /// between the guard's check and git's connection (DNS rebinding) could move the clone into
  /// a private network. HTTP(S) is pinned with libcurl's resolve list, SSH by connecting to
  /// the address under the host's name (`HostName`, with `HostKeyAlias` keeping the host key
  /// check on the name).
  private func clone(_ location: GitRepositoryLocation, into checkout: URL, pinnedTo address: IPAddress?) async throws {
    var arguments = [
      "-c", "advice.detachedHead=false",
      "-c", "core.symlinks=true",
    ]
    if !allowPrivateNetwork { arguments += ["-c", "http.followRedirects=false"] }
    var sshCommand = "ssh -o BatchMode=yes"
    if let address, let host = location.remoteHost {
      switch location.transport {
      case .http(let port):
        let literal = address.description.contains(":") ? "[\(address)]" : "\(address)"
        arguments += ["-c", "http.curloptResolve=\(host):\(port):\(literal)"]
      case .ssh:
        sshCommand += " -o HostName=\(address) -o HostKeyAlias=\(host)"
      case .git:
        // The daemon protocol has no way to pin; the guard's check is all there is.
        break
      case nil:
        break
      }
    }
    // `--` ends the options, so a link starting with `-` cannot be read as one.
    arguments += [
      "clone", "--depth", "1", "--quiet", "--no-tags", "--single-branch", "--",
      location.cloneURL, checkout.path,
    ]
    let environment = Environment.inherit.updating([
      // Never wait for a password or passphrase: fail instead.
      "GIT_TERMINAL_PROMPT": "0",
      "GCM_INTERACTIVE": "never",
      "GIT_SSH_COMMAND": sshCommand,
      // Only transports that move data; `ext::` and friends run commands.
      "GIT_ALLOW_PROTOCOL": "https:http:git:ssh:file",
      // Git's messages in English, as the error text is shown to the user verbatim.
      "LC_ALL": "C",
    ])

    let timeout = self.timeout
    let gitArguments = Arguments(arguments)
    let result = try await withThrowingTaskGroup(of: CloneOutcome.self) { group in
      group.addTask {
        do {
          let run = try await Subprocess.run(
            .name("git"), arguments: gitArguments, environment: environment,
            platformOptions: Self.processOptions, output: .discarded,
            error: .string(limit: Self.stderrLimit))
          return .finished(status: run.terminationStatus, stderr: run.standardError)
        } catch let error as SubprocessError {
          return .failedToRun(error)
        }
      }
      group.addTask {
        try await Task.sleep(for: timeout)
        return .timedOut
      }
      // Whichever finishes first decides; cancelling the other stops git (Subprocess
      // terminates the child on cancellation) or the timer.
      let first = try await group.next()!
      group.cancelAll()
      return first
    }

    switch result {
    case .finished(let status, let stderr):
      guard !status.isSuccess else { return }
      throw GitCrawlError.cloneFailed(
        link: location.link, status: "\(status)",
        stderr: CredentialRedaction.redact(stderr.trimmingCharacters(in: .whitespacesAndNewlines)))
    case .failedToRun(let error):
      if error.code == .outputLimitExceeded {
        throw GitCrawlError.cloneFailed(
          link: location.link, status: "aborted",
          stderr: "git wrote more than \(Self.stderrLimit) bytes of errors")
      }
      throw GitCrawlError.gitUnavailable("\(error)")
    case .timedOut:
      throw GitCrawlError.timeout(link: location.link, after: timeout)
    }
  }

  /// git runs helpers (`git-remote-https`, `ssh`) that would outlive a killed `git` and keep
  /// its error pipe open; in a session of its own, a timeout signals the whole process group.
  private static var processOptions: PlatformOptions {
    var options = PlatformOptions()
    options.createSession = true
    options.teardownSequence = [
      .gracefulShutDown(toProcessGroup: true, allowedDurationToNextStep: .milliseconds(500))
    ]
    return options
  }

  private enum CloneOutcome: Sendable {
    case finished(status: TerminationStatus, stderr: String)
    case failedToRun(SubprocessError)
    case timedOut
  }
}
