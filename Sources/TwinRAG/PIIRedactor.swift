import Foundation

/// Finds and masks personal data and secrets in text: email addresses, phone numbers, API
/// keys and bearer tokens. Used on questions before they reach a model or a trace, and on
/// answers before they reach a user.
public struct PIIRedactor: Sendable {
  /// What a match was.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case email, phone, apiKey = "api_key", token
  }

  /// One redacted match (its text is not kept: that is the point).
  public struct Finding: Sendable, Hashable, Codable {
    public var kind: Kind
    public var length: Int
  }

  public init() {}

  /// The patterns, most specific first, so a key is not half-redacted as a phone number.
  private static let patterns: [(Kind, String)] = [
    (.apiKey, #"\b(?:sk|pk|rk)-(?:proj-|live-|test-)?[A-Za-z0-9_\-]{16,}"#),
    (.apiKey, #"\b(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|hf|xox[abprs])[_-][A-Za-z0-9_\-]{16,}"#),
    (.apiKey, #"\bAKIA[0-9A-Z]{16}\b"#),
    (.token, #"(?i)\bbearer\s+[A-Za-z0-9._~+/\-]{12,}=*"#),
    (.token, #"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"#),
    (.token, #"(?i)\b(?:api[_-]?key|secret|password|passwd|token)\s*[:=]\s*\S{6,}"#),
    (.email, #"\b[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\b"#),
    (.phone, #"(?<![\w.])\+?\d[\d ()\-.]{7,}\d(?![\w.])"#),
  ]

  /// `text` with every match replaced by `[REDACTED_<KIND>]`, and what was found.
  public func redact(_ text: String) -> (text: String, findings: [Finding]) {
    var result = text
    var findings: [Finding] = []
    for (kind, pattern) in Self.patterns {
      // The patterns are constants checked by the tests, so compiling cannot fail.
      guard let regex = try? NSRegularExpression(pattern: pattern) else { continue }
      let range = NSRange(result.startIndex..., in: result)
      let matches = regex.matches(in: result, range: range).filter { match in
        // A phone number needs at least 9 digits; dates and version numbers have fewer.
        guard kind == .phone, let r = Range(match.range, in: result) else { return true }
        return result[r].filter(\.isNumber).count >= 9
      }
      for match in matches.reversed() {
        guard let r = Range(match.range, in: result) else { continue }
        findings.append(Finding(kind: kind, length: result[r].count))
        result.replaceSubrange(r, with: "[REDACTED_\(kind.rawValue.uppercased())]")
      }
    }
    return (result, findings)
  }
}
