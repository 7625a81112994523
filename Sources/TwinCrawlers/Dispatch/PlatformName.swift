import Foundation

/// The `platform` recorded for an article: `medium`, `substack`, or the site's host name.
enum PlatformName {
  /// The platform of the article at `link`, found through `origin` (the feed or page the user
  /// gave). Publications on their own domains are still Medium or Substack when their feed came
  /// from there.
  static func forArticle(link: String, origin: String) -> String {
    let linkHost = host(of: link)
    if let known = knownPlatform(linkHost) ?? knownPlatform(host(of: origin)) { return known }
    return linkHost ?? "web"
  }

  /// The lower-cased host of a URL, nil when it has none.
  static func host(of link: String) -> String? {
    let components = URLComponents(string: FetchTarget.escape(link))
    guard let host = components?.host?.lowercased(), !host.isEmpty else { return nil }
    return host
  }

  private static func knownPlatform(_ host: String?) -> String? {
    guard let host else { return nil }
    if host == "medium.com" || host.hasSuffix(".medium.com") { return "medium" }
    if host == "substack.com" || host.hasSuffix(".substack.com") { return "substack" }
    return nil
  }
}
