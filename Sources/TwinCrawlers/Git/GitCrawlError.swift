/// Why a repository could not be crawled. Links in messages never carry credentials.
public enum GitCrawlError: Error, Sendable, Equatable, CustomStringConvertible {
  /// The link is neither a git URL this crawler clones nor an existing local directory.
  case invalidLink(String, reason: String)
  /// The `git` executable could not be started.
  case gitUnavailable(String)
  /// `git clone` exited with an error; `stderr` is what git said, credentials removed.
  case cloneFailed(link: String, status: String, stderr: String)
  /// The clone took longer than the limit.
  case timeout(link: String, after: Duration)
  /// The repository could not be read after cloning.
  case unreadable(link: String, reason: String)

  public var description: String {
    switch self {
    case .invalidLink(let link, let reason):
      "cannot crawl \(link) as a git repository: \(reason)"
    case .gitUnavailable(let reason):
      "cannot run git (is it installed and on PATH?): \(reason)"
    case .cloneFailed(let link, let status, let stderr):
      stderr.isEmpty
        ? "git clone of \(link) failed (\(status))"
        : "git clone of \(link) failed (\(status)): \(stderr)"
    case .timeout(let link, let limit):
      "git clone of \(link) did not finish within \(limit)"
    case .unreadable(let link, let reason):
      "cannot read the clone of \(link): \(reason)"
    }
  }
}
