import Foundation
import TwinCore

/// Where a repository link points, and what to call the repository.
///
/// Accepts `https://`, `http://`, `git://` and `ssh://` URLs, scp-style `user@host:path`
/// addresses, `file://` URLs and local directory paths. Local repositories are cloned like remote
/// ones (through `file://`, so `--depth 1` applies), which means only committed files are read,
/// never a working tree's uncommitted or ignored files.
struct GitRepositoryLocation: Sendable, Equatable {
  /// What `git clone` is given (credentials kept, so private repositories can be cloned).
  var cloneURL: String
  /// The document's link: the link as given, without credentials; local paths become absolute
  /// `file://` URLs, so the same directory always has the same link.
  var link: String
  /// The host to check against the address guard; nil for local repositories.
  var remoteHost: String?
  /// The repository's name: the last path component without `.git`.
  var name: String
  /// `github` for github.com, the host for other remotes, `git` for local repositories.
  var platform: String
  /// How git reaches a remote: what pinning its connection to a vetted address takes.
  var transport: Transport?

  enum Transport: Sendable, Equatable {
    /// Smart HTTP(S) through libcurl, on this port.
    case http(port: Int)
    /// SSH (`ssh://` and scp-style addresses).
    case ssh
    /// The `git://` daemon protocol.
    case git
  }

  /// Schemes git may use for a remote; anything else (`ext::`, `fd::`) could run commands.
  static let remoteSchemes: Set<String> = ["https", "http", "git", "ssh"]

  init(_ text: String) throws(GitCrawlError) {
    let link = text.trimmingCharacters(in: .whitespacesAndNewlines)
    let shown = CredentialRedaction.redact(link)
    guard !link.isEmpty else { throw .invalidLink(shown, reason: "the link is empty") }

    if link.contains("://") {
      guard let components = URLComponents(string: link),
        let scheme = components.scheme?.lowercased()
      else { throw .invalidLink(shown, reason: "not a valid URL") }
      if scheme == "file" {
        try self.init(localPath: components.path, shown: shown)
        return
      }
      guard Self.remoteSchemes.contains(scheme) else {
        throw .invalidLink(shown, reason: "unsupported scheme \"\(scheme)\"")
      }
      guard let host = components.host, !host.isEmpty else {
        throw .invalidLink(shown, reason: "the URL has no host")
      }
      let transport: Transport =
        switch scheme {
        case "https": .http(port: components.port ?? 443)
        case "http": .http(port: components.port ?? 80)
        case "ssh": .ssh
        default: .git
        }
      try self.init(remote: link, host: host, path: components.path, shown: shown, transport: transport)
    } else if let (host, path) = Self.scpStyle(link) {
      try self.init(remote: link, host: host, path: path, shown: shown, transport: .ssh)
    } else {
      try self.init(localPath: link, shown: shown)
    }
  }

  private init(
    remote: String, host: String, path: String, shown: String, transport: Transport
  ) throws(GitCrawlError) {
    let bareHost = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
    guard let name = Self.repositoryName(fromPath: path) else {
      throw .invalidLink(shown, reason: "the URL has no repository path")
    }
    let lowerHost = bareHost.lowercased()
    self.cloneURL = remote
    self.link = shown
    self.remoteHost = lowerHost
    self.name = name
    self.platform =
      lowerHost == "github.com" || lowerHost == "www.github.com" ? "github" : lowerHost
    self.transport = transport
  }

  private init(localPath: String, shown: String) throws(GitCrawlError) {
    let expanded = (localPath as NSString).expandingTildeInPath
    let absolute = URL(
      fileURLWithPath: expanded,
      relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
    ).standardizedFileURL
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: absolute.path, isDirectory: &isDirectory),
      isDirectory.boolValue
    else {
      throw .invalidLink(shown, reason: "no such directory \(absolute.path)")
    }
    guard let name = Self.repositoryName(fromPath: absolute.path) else {
      throw .invalidLink(shown, reason: "cannot name a repository at the file system root")
    }
    // Spelled without a trailing slash, so a folder has one link however it was typed.
    let fileURL = URL(fileURLWithPath: absolute.path, isDirectory: false).absoluteString
    self.cloneURL = fileURL
    self.link = fileURL
    self.remoteHost = nil
    self.name = name
    self.platform = "git"
    self.transport = nil
  }

  /// `user@host:path` (git's scp-like syntax); a `:` after a `/` makes it a local path.
  private static func scpStyle(_ link: String) -> (host: String, path: String)? {
    guard let colon = link.firstIndex(of: ":"), let at = link.firstIndex(of: "@"), at < colon,
      !link[..<colon].contains("/")
    else { return nil }
    let host = String(link[link.index(after: at)..<colon])
    let path = String(link[link.index(after: colon)...])
    return host.isEmpty || path.isEmpty ? nil : (host, path)
  }

  /// The last path component without a trailing `/` or `.git`; nil when nothing is left.
  static func repositoryName(fromPath path: String) -> String? {
    var last = path.split(separator: "/").last.map(String.init) ?? ""
    if last.hasSuffix(".git") { last.removeLast(4) }
    return last.isEmpty ? nil : last
  }
}
