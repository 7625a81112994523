/// The rules of one robots.txt that apply to one crawler, per RFC 9309.
///
/// Parsing keeps only the groups for our product token (or, when none names it, the `*` groups),
/// merging every matching group as the RFC requires. Matching picks the rule with the longest
/// pattern; on a tie `Allow` wins, being the less restrictive.
public struct RobotsRules: Sendable, Equatable {
  /// One `Allow` or `Disallow` line.
  public struct Rule: Sendable, Equatable {
    public var allows: Bool
    /// The path pattern, percent-encoding normalised; `*` matches any run of characters and a
    /// final `$` anchors the end.
    public var pattern: String
  }

  /// The rules that apply, in file order.
  public var rules: [Rule]

  /// Everything allowed: what a missing robots.txt (4xx) means.
  public static let allowAll = RobotsRules(rules: [])
  /// Everything disallowed: what a failing one (5xx) means, since the site cannot say otherwise.
  public static let disallowAll = RobotsRules(rules: [Rule(allows: false, pattern: "/")])

  public init(rules: [Rule]) {
    self.rules = rules
  }

  /// Parses a robots.txt for the crawler whose product token is `userAgent` (such as `TwinBot`).
  ///
  /// Lines are `key: value # comment`; unknown keys and malformed lines are ignored, as the RFC
  /// asks, so an HTML error page served as robots.txt yields no rules.
  public init(parsing text: String, userAgent: String) {
    let token = Self.productToken(userAgent)
    var specific: [Rule] = []
    var wildcard: [Rule] = []
    var groupAgents: [String] = []
    var groupHasRules = false
    var namesUs = false

    for rawLine in text.split(omittingEmptySubsequences: true, whereSeparator: \.isNewline) {
      let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false)[0]
      guard let colon = line.firstIndex(of: ":") else { continue }
      let key = line[..<colon].trimmingSpaces().lowercased()
      let value = line[line.index(after: colon)...].trimmingSpaces()
      switch key {
      case "user-agent":
        // A user-agent line after rules starts a new group.
        if groupHasRules {
          groupAgents = []
          groupHasRules = false
        }
        let agent = Self.productToken(value)
        groupAgents.append(agent)
        if agent == token { namesUs = true }
      case "allow", "disallow":
        groupHasRules = true
        // An empty pattern matches nothing (`Disallow:` means "allow all").
        guard !value.isEmpty else { continue }
        let rule = Rule(allows: key == "allow", pattern: RobotsPath.normalize(value))
        if groupAgents.contains(token) { specific.append(rule) }
        if groupAgents.contains("*") { wildcard.append(rule) }
      default:
        continue
      }
    }
    // A group naming us replaces the `*` groups entirely, even if it has no rules.
    self.rules = namesUs ? specific : wildcard
  }

  /// Whether `pathAndQuery` (the URL's percent-encoded path plus `?query`) may be fetched.
  public func allows(_ pathAndQuery: String) -> Bool {
    let path = RobotsPath.normalize(pathAndQuery.isEmpty ? "/" : pathAndQuery)
    // RFC 9309 §2.2.2: /robots.txt itself is always allowed.
    if path == "/robots.txt" { return true }
    var best: Rule?
    for rule in rules where RobotsPath.matches(pattern: rule.pattern, path: path) {
      guard let current = best else {
        best = rule
        continue
      }
      let longer = rule.pattern.utf8.count > current.pattern.utf8.count
      let tieWonByAllow = rule.pattern.utf8.count == current.pattern.utf8.count && rule.allows
      if longer || tieWonByAllow { best = rule }
    }
    return best?.allows ?? true
  }

  /// The product token of a `User-agent` value, lower-cased: `TwinBot/1.0 (+url)` → `twinbot`.
  private static func productToken(_ value: String) -> String {
    if value == "*" { return "*" }
    let token = value.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    return token.lowercased()
  }
}

extension Substring {
  fileprivate func trimmingSpaces() -> String {
    var slice = self[...]
    while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
    while let last = slice.last, last == " " || last == "\t" || last == "\r" {
      slice = slice.dropLast()
    }
    return String(slice)
  }
}
