import Foundation

/// What a link is, judged from the link alone (and, for paths, the file system).
///
/// Links to feeds, sitemaps and articles are all fetched the same way, and the body has the
/// final say (a URL ending in `/feed` may serve HTML, a plain page URL may serve RSS); the kind
/// only decides what to expect when the body is ambiguous.
public enum LinkKind: Sendable, Equatable {
  /// A remote git repository: `github.com/owner/repo`, `gitlab.com/…`, `bitbucket.org/…`, any
  /// URL ending in `.git`, `git://` and `ssh://` URLs, and `user@host:path.git`.
  case gitRepository
  /// A `file://` URL or an existing local directory, cloned as a repository.
  case localRepository
  /// A Medium profile (`medium.com/@user` or `user.medium.com`), read through its feed.
  case mediumProfile(feed: String)
  /// A Substack publication's home page, read through its feed.
  case substack(feed: String)
  /// A URL that looks like a feed (ends in `feed`, `rss`, `atom` or `.xml`).
  case feed
  /// A URL that looks like a sitemap (`sitemap….xml`).
  case sitemap
  /// Anything else: a single page.
  case article

  /// Hosts whose `/owner/repo` URLs are repositories.
  static let forgeHosts: Set<String> = ["github.com", "gitlab.com", "bitbucket.org"]

  /// Classifies `link`.
  public static func classify(_ link: String) -> LinkKind {
    let text = link.trimmingCharacters(in: .whitespacesAndNewlines)
    guard text.contains("://") else {
      if isSCPStyleGitAddress(text) { return .gitRepository }
      return isExistingDirectory(text) ? .localRepository : .article
    }
    guard let components = URLComponents(string: FetchTarget.escape(text)),
      let scheme = components.scheme?.lowercased()
    else { return .article }
    switch scheme {
    case "file": return .localRepository
    case "git", "ssh": return .gitRepository
    case "http", "https": break
    default: return .article
    }

    let host = (components.host ?? "").lowercased()
    let bareHost = host.hasPrefix("www.") ? String(host.dropFirst(4)) : host
    let segments = components.path.split(separator: "/").map(String.init)
    let last = segments.last?.lowercased() ?? ""

    if last.hasSuffix(".git") { return .gitRepository }
    if forgeHosts.contains(bareHost) && segments.count == 2 { return .gitRepository }
    if bareHost == "medium.com", segments.count == 1, segments[0].hasPrefix("@"),
      segments[0].count > 1
    {
      return .mediumProfile(feed: "https://medium.com/feed/\(segments[0])")
    }
    if bareHost.hasSuffix(".medium.com"), segments.isEmpty {
      return .mediumProfile(feed: "https://\(bareHost)/feed")
    }
    if bareHost.hasSuffix(".substack.com"), segments.isEmpty {
      return .substack(feed: "https://\(bareHost)/feed")
    }
    if last.hasPrefix("sitemap") && (last.hasSuffix(".xml") || last == "sitemap") {
      return .sitemap
    }
    if ["feed", "rss", "atom"].contains(last) || last.hasSuffix(".xml") || last.hasSuffix(".rss")
      || last.hasSuffix(".atom")
    {
      return .feed
    }
    return .article
  }

  /// `user@host:path` with a `.git` or two-part path: git's scp-like address syntax.
  private static func isSCPStyleGitAddress(_ text: String) -> Bool {
    guard let at = text.firstIndex(of: "@"), let colon = text.firstIndex(of: ":"), at < colon,
      !text[..<colon].contains("/")
    else { return false }
    let path = text[text.index(after: colon)...]
    return path.hasSuffix(".git") || path.split(separator: "/").count == 2
  }

  private static func isExistingDirectory(_ path: String) -> Bool {
    guard !path.isEmpty else { return false }
    var isDirectory: ObjCBool = false
    let expanded = (path as NSString).expandingTildeInPath
    return FileManager.default.fileExists(atPath: expanded, isDirectory: &isDirectory)
      && isDirectory.boolValue
  }
}
