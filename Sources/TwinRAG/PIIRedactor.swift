import Foundation

/// Finds and masks personal data and secrets in text: email addresses, phone numbers, US social
/// security numbers, payment card numbers, API keys and other credentials. Used on questions
/// before they reach a model or a trace, and on answers before they reach a user.
///
/// Detection is pattern-based, tuned on the table in `PIIRedactorTableTests` (positives that must
/// be masked, negatives such as dates, versions, prices, IP addresses, git SHAs and UUIDs that
/// must stay untouched). Heuristics, not a proof: it aims at the formats people paste, and errs
/// towards masking a long random-looking string rather than leaking it.
public struct PIIRedactor: Sendable {
  /// What a match was.
  public enum Kind: String, Sendable, Codable, CaseIterable {
    case email, phone, apiKey = "api_key", token, ssn, card
  }

  /// One redacted match (its text is not kept: that is the point).
  public struct Finding: Sendable, Hashable, Codable {
    public var kind: Kind
    public var length: Int
  }

  public init() {}

  /// `text` with every match replaced by `[REDACTED_<KIND>]`, and what was found.
  ///
  /// The detectors run one after another, each on the output of the previous one, most specific
  /// first: a key is masked before the phone detector could see its digits, a card before the
  /// phone detector could take its first groups, and so on. The replacement tokens contain no
  /// digits, `@` or key prefixes, so a later detector cannot match inside them; the detectors
  /// that read a value after a label (`password: …`) explicitly skip a value that is already a
  /// replacement token.
  public func redact(_ text: String) -> (text: String, findings: [Finding]) {
    var result = text
    var findings: [Finding] = []
    for detector in Self.detectors {
      let matches = detector.regex.matches(in: result, range: NSRange(result.startIndex..., in: result))
      var spans: [Range<String.Index>] = []
      for match in matches {
        guard let range = Range(Self.secretRange(of: match), in: result) else { continue }
        spans += detector.refine(result, range)
      }
      // Back to front, so the earlier ranges stay valid while later ones are replaced.
      for span in spans.reversed() {
        findings.append(Finding(kind: detector.kind, length: result[span].count))
        result.replaceSubrange(span, with: "[REDACTED_\(detector.kind.rawValue.uppercased())]")
      }
    }
    return (result, findings)
  }

  /// The part of a match to mask: its first capture group that took part, or all of it. Labels
  /// (`password is`, `Bearer`, `SSN`) stay readable; only the value goes.
  private static func secretRange(of match: NSTextCheckingResult) -> NSRange {
    for group in 1..<max(match.numberOfRanges, 1) where match.range(at: group).location != NSNotFound {
      return match.range(at: group)
    }
    return match.range
  }

  // MARK: - Detectors

  /// One pattern and the check that decides which of its matches are real. A pattern's capture
  /// groups mark the secret (the first that took part is masked), so a group before or around
  /// the label must be non-capturing `(?:…)`.
  /// `@unchecked Sendable`: `NSRegularExpression` is immutable and documented as safe to use
  /// from several threads; the closures capture nothing.
  struct Detector: @unchecked Sendable {
    let kind: Kind
    let regex: NSRegularExpression
    /// The ranges to mask within a match's range (empty: a false positive). Most detectors
    /// accept or reject the whole match; the card detector picks the valid part of a digit run.
    let refine: @Sendable (String, Range<String.Index>) -> [Range<String.Index>]

    init(_ kind: Kind, _ pattern: String, accept: @escaping @Sendable (Substring) -> Bool = { _ in true }) {
      self.init(kind, pattern) { text, range in accept(text[range]) ? [range] : [] }
    }

    init(
      _ kind: Kind, _ pattern: String,
      refine: @escaping @Sendable (String, Range<String.Index>) -> [Range<String.Index>]
    ) {
      self.kind = kind
      // The patterns are constants exercised by the tests: a typo is a programming error, and
      // failing loudly at first use beats silently letting personal data through.
      do { self.regex = try NSRegularExpression(pattern: pattern) } catch {
        preconditionFailure("PIIRedactor: invalid pattern \(pattern): \(error)")
      }
      self.refine = refine
    }
  }

  /// Compiled once, on first use: compiling ~20 patterns per call would cost more than matching.
  static let detectors: [Detector] = [
    // 1. Credentials with an unmistakable shape. First, because they contain digit runs and
    //    `@`/`:` that the personal-data detectors below would otherwise half-match.
    Detector(.token, #"-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----[\s\S]*?-----END (?:[A-Z0-9]+ )*PRIVATE KEY-----"#),
    Detector(.token, #"\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"#),
    // OpenAI (`sk-`, `sk-proj-`), Anthropic (`sk-ant-`), Stripe (`sk_live_`, `rk_test_`,
    // `pk_live_`: underscores). Without a sub-prefix (`sk-` + body) the body must look random,
    // so hyphenated words such as `sk-learn-compatible-estimators` are not keys.
    Detector(
      .apiKey, #"(?<![\w\-])(?:sk|pk|rk)[_\-](?:(?:proj|live|test|ant|svcacct|admin)[_\-])?[A-Za-z0-9_\-]{16,}"#,
      accept: { key in
        let lowered = key.lowercased()
        let hasSubPrefix = ["proj", "live", "test", "ant", "svcacct", "admin"].contains {
          lowered.dropFirst(3).hasPrefix($0 + "_") || lowered.dropFirst(3).hasPrefix($0 + "-")
        }
        return hasSubPrefix || looksRandom(key.dropFirst(3))
      }),
    Detector(.apiKey, #"(?<![\w\-])whsec_[A-Za-z0-9]{24,}"#),
    // GitHub, GitLab, Hugging Face, Slack and npm tokens; the body must look random so that
    // identifiers such as `hf_hub_download_function` stay.
    Detector(
      .apiKey, #"(?<![\w\-])(?:ghp|gho|ghu|ghs|ghr|github_pat|glpat|hf|npm|xox[abprs])[_\-][A-Za-z0-9_\-]{16,}"#,
      accept: { looksRandom($0.drop { $0 != "_" && $0 != "-" }) }),
    // AWS access key IDs.
    Detector(.apiKey, #"(?<![A-Za-z0-9])(?:AKIA|ASIA)[0-9A-Z]{16}(?![A-Za-z0-9])"#),
    // Google API keys: `AIza` and 35 characters.
    Detector(.apiKey, #"(?<![\w\-])AIza[0-9A-Za-z_\-]{35}(?![0-9A-Za-z_\-])"#),
    // AWS secret access keys after a label: 40 characters of base64, any mix.
    Detector(
      .apiKey,
      #"(?i)(?:aws[_\- ]?secret(?:[_\- ]?access)?(?:[_\- ]?key)?|secret[_\- ]?access[_\- ]?key)["']?\s*(?:[:=]|=>|\bis\b|\bwas\b)?\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])"#
    ),
    // AWS secret access keys alone: 40 characters that look random (see `looksLikeAWSSecret`),
    // which rules out git SHAs (hex) and long CamelCase identifiers or paths.
    Detector(
      .apiKey, #"(?<![A-Za-z0-9/+=_\-.])[A-Za-z0-9/+]{40}(?![A-Za-z0-9/+=_\-])"#, accept: looksLikeAWSSecret),
    // `Authorization: Bearer …` and `Basic …` values.
    Detector(.token, #"(?i)\bbearer\s+([A-Za-z0-9._~+/\-]{12,}=*)"#),
    Detector(.token, #"(?i)\bbasic\s+([A-Za-z0-9+/]{12,}={0,2})(?![A-Za-z0-9+/=])"#),
    // The password in `scheme://user:password@host`.
    Detector(.token, #"(?i)\b[a-z][a-z0-9+.\-]*://[^\s/:@]+:([^\s/@]+)@"#),

    // 2. Secrets after a label: `api_key=…`, `password: …`, `my password is …`. Only the value
    //    is masked; words that commonly follow the label in ordinary prose (`your password is
    //    too short`) are not values. Other languages' labels only in the `label: value` form:
    //    the prose detectors rely on an English stop-word list.
    Detector(
      .token,
      labelled(
        #"(?:password|passwd|pwd|passwort|kennwort|mot de passe|contrase[ñn]a|senha|wachtwoord|пароль|密码|密碼|パスワード|비밀번호)"#
      )),
    Detector(
      .token,
      labelled(
        #"(?:api[_\-]?key|apikey|api[_\-]?token|access[_\-]?token|auth[_\-]?token|refresh[_\-]?token|client[_\-]?secret|secret[_\-]?key|secret|token|private[_\-]?key)"#
      ),
      accept: { looksGenerated($0) }),
    Detector(.token, spokenPassword),
    Detector(.token, spokenPassphrase),
    Detector(.token, #"(?i)\bpin(?:[ \-]?code)?(?:\s+(?:number|no\.?))?(?:\s*[:=#]|\s+(?:is|was)(?:\s+now)?\s*:?)\s*(\d{4,8})(?!\d)"#),

    // 3. Personal data. Emails before the numbers (addresses contain digits). Internationalised
    //    addresses: any letters, marks and digits in the local part and the domain; the top
    //    level is letters or punycode. `icon@2x.png` is a file and `git@github.com:org/repo` an
    //    SSH remote, not addresses.
    Detector(
      .email,
      #"(?<![\p{L}\p{M}\p{N}._%+\-])[\p{L}\p{M}\p{N}_%+\-][\p{L}\p{M}\p{N}._%+\-]*@(?:[\p{L}\p{M}\p{N}](?:[\p{L}\p{M}\p{N}\-]{0,61}[\p{L}\p{M}\p{N}])?\.)+(?:[\p{L}\p{M}]{2,63}|xn--[a-z0-9\-]{2,59})(?![\p{L}\p{M}\p{N}\-_@]|:[\w~/])"#,
      accept: { address in
        let domain = address.split(separator: "@").last ?? ""
        return domain.range(of: #"^\d+(?:\.\d+)?x\."#, options: .regularExpression) == nil
      }),
    // US social security numbers: `123-45-6789` alone (that grouping is distinctive); spaced or
    // bare only after `SSN`/`social security`. Numbers the SSA never issues (area 000, 666,
    // 900–999; group 00; serial 0000) are not SSNs.
    Detector(.ssn, #"(?<![\w\-.])(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}(?![\w\-]|\.\d)"#),
    Detector(
      .ssn,
      #"(?i)\b(?:ssn|social\s+security(?:\s+(?:number|no\.?|#))?)(?:\s*(?:is|was|[:#=]|number|no\.?))*\s*((?!000|666|9\d\d)\d{3}([ \-]?)(?!00)\d{2}\2(?!0000)\d{4})(?![\d\-])"#
    ),
    // Payment cards: digit runs (groups split by single spaces or hyphens), of which the part
    // that has a card's length and grouping, a network's first digit and a valid Luhn checksum.
    // Before the phone detector, which would take the first groups of a card.
    Detector(.card, #"(?<![\w\-.,/+])\d+(?:[ \-]\d+)*(?!\w)"#, refine: cardRanges),
    // Phone numbers. International (`+` or `00` and a country code), North American (area code
    // and exchange, separated), or national with a trunk `0` (`020 7946 0958`, `(030) 1234 5678`).
    // Not preceded by a word, a sign, a dot or another digit group (versions, IP addresses,
    // prices, the middle of a longer number); not followed by `.digit` or `-digit`, so a
    // sentence's final period ends the number but a decimal or a longer code does not.
    Detector(
      .phone,
      #"(?<![\w+\-./@#$€£%:])(?<!\d[ .\-])(?:"# + [internationalPhone, northAmericanPhone, nationalPhone].joined(separator: "|")
        + #")(?![\w@%]|[.\-/,]\d)"#,
      accept: { isPhoneNumber($0, minimumDigits: 9) }),
    // After `call`, `phone`, `tel.`, `my number` …: any number with 7–15 digits, even unseparated.
    Detector(
      .phone,
      #"(?i)\b(?:call|phone|telephone|tel|mobile|cell|fax|text|sms|whatsapp|ring|(?:my|his|her|our|their|your)\s+number)(?:\s+(?:me|us|him|her|them))?(?:\s*(?:at|on|:|#|no\.?|number|is|\.))*\s*(\+?\(?\d[\d ()\-.]{5,}\d)(?![\w@%]|[.\-/,]\d)"#,
      accept: { isPhoneNumber($0, minimumDigits: 7) }),
  ]

  /// `+44 20 7946 0958`, `0044 …`, `+49 (0)30 1234 5678`, `+81-3-1234-5678`: a country code and
  /// up to six groups (an optional `(0)` trunk, parenthesised area codes).
  private static let internationalPhone =
    #"(?:\+|00(?=[1-9]))\d{1,3}(?:[ .\-]?\(0\))?(?:[ .\-]?(?:\(\d{1,5}\)|\d{1,5})){1,6}"#
  /// `(415) 555-0132`, `1-800-555-0199`, `415.555.0132 x12`: area code and exchange start with
  /// 2–9, and the groups are separated (a bare 10-digit run is more often an ID or a timestamp).
  private static let northAmericanPhone =
    #"(?:1[ .\-]?)?(?:\([2-9]\d{2}\)[ .\-]?|[2-9]\d{2}[ .\-])[2-9]\d{2}[ .\-]\d{4}(?:\s*(?:x|ext\.?|extension)\s*\d{1,5})?"#
  /// `020 7946 0958`, `(030) 1234 5678`, `01 23 45 67 89`, `07700 900123`: a trunk `0`, then
  /// separated groups.
  private static let nationalPhone = #"\(?0\d{1,4}\)?(?:[ .\-/]\d{2,8}){1,4}"#

  /// A labelled secret, `label: value` or `label=value` as in config files, URLs and logs.
  private static func labelled(_ label: String) -> String {
    #"(?i)(?<![\w\-])"# + label + #"["']?\s*(?::|：|=>?)\s*["']?(?!\[REDACTED_)"#
      + notAValue + #"(?=[^\s"'<>]{4})([^\s"'<>]*[^\s"'<>.,;:!?)\]}])"#
  }

  /// The label and verb of a password said in a sentence: `my password is`, `the password for
  /// the router was:`, `password set to`.
  private static func spoken(_ label: String) -> String {
    #"(?i)\b"# + label
      + #"(?:\s+(?:for|of|on|to)\s+(?:[^\s.,;:!?"]+\s+){0,2}?[^\s.,;:!?"]+)?"#
      + #"(?:\s*[:=]|\s+(?:is|was|will\s+be|becomes|became)(?:\s+(?:now|still|just|simply|literally))?(?:\s+(?:set|changed)\s+to)?\s*:?|\s+(?:(?:has\s+been|was|is)\s+)?(?:set|changed|updated|reset)\s+to\s*:?)\s*"#
      + #"(?!\[REDACTED_)"#
  }

  /// A password: one token (or a quoted string) after the verb.
  private static let spokenPassword =
    spoken(#"(?:pass(?:word|code)|passwd|pwd)"#)
    + #"(?:["“‘']([^"”’'\n]{1,80})["”’']|"# + notAValue
    + #"(?=\S{3})([^\s"'“”‘’<>]*[^\s"'“”‘’<>.,;:!?)\]}]))"#

  /// A passphrase: up to eight words after the verb, to the end of the clause.
  private static let spokenPassphrase =
    spoken(#"pass[ \-]?phrase"#)
    + #"(?:["“‘']([^"”’'\n]{1,120})["”’']|"# + notAValue
    + #"([^\s.,;:!?"“”]+(?:[ ](?!(?:and|but|or|so|because|if|then|which|please|though|when|while|since)\b)[^\s.,;:!?"“”]+){0,7}))"#

  /// What follows `password is` in prose rather than a password: function words and
  /// participles always (`is not`, `was changed`), adjectives only when they end the clause or
  /// come before a function word (`is wrong.`, `is correct and works`), so that a passphrase
  /// starting with one (`correct horse`) is still masked; and lengths (`is 12 characters`).
  private static let notAValue: String = {
    let always = [
      "not", "n't", "too", "very", "so", "a", "an", "the", "this", "that", "it", "its", "your", "my", "our",
      "their", "his", "her", "same", "also", "still", "only", "just", "never", "always", "usually", "often",
      "being", "been", "required", "needed", "mandatory", "optional", "missing", "empty", "blank", "stored",
      "hashed", "encrypted", "salted", "saved", "changed", "reset", "set", "sent", "used", "updated",
      "generated", "shown", "hidden", "displayed", "visible", "masked", "protected", "leaked", "stolen",
      "compromised", "forgotten", "lost", "known", "unknown", "at", "in", "on", "for", "to", "of", "by",
      "with", "what", "how", "where", "why", "when", "which", "who", "here", "there", "something",
      "anything", "nothing", "whatever", "case[\\- ]sensitive", "then", "first", "from", "about", "like",
      "around", "as", "one", "any", "all", "each", "both", "more", "less", "much", "many", "exactly", "now",
      // Passive voice, adverbs and progressives (`was rotated`, `is usually`, `is expiring`):
      // a one-word lowercase password that is an English participle or adverb is rare.
      "[a-z]+ed", "[a-z]+ly", "[a-z]+ing",
    ]
    let adjectives = [
      "wrong", "right", "weak", "strong", "secure", "insecure", "long", "longer", "short", "shorter",
      "different", "similar", "easy", "hard", "simple", "good", "bad", "fine", "ok", "okay", "important",
      "valid", "invalid", "correct", "incorrect", "expired", "working", "broken", "accepted", "rejected",
      "unique", "random", "complex", "safe", "unsafe", "great", "terrible", "obvious", "new", "old",
    ]
    let clauseEnd =
      #"\s*(?:$|[.,;:!?)\n]|(?:and|but|or|so|now|too|enough|though|anyway|because|if|for|to|in|on|at|with|as|than|then|yet|again|please|anymore|either|here|there|by|since|when|while)\b)"#
    return #"(?!(?:"# + always.joined(separator: "|") + #")\b)"#
      + #"(?!(?:"# + adjectives.joined(separator: "|") + #")\b(?="# + clauseEnd + #"))"#
      + #"(?!\d+\s*(?:characters?|chars?|letters?|digits?|symbols?|words?)\b)"#
  }()

  // MARK: - Checks

  /// Whether a key's body looks generated rather than written: a digit, or both cases.
  static func looksRandom(_ body: Substring) -> Bool {
    body.contains(where: \.isNumber) || (body.contains(where: \.isUppercase) && body.contains(where: \.isLowercase))
  }

  /// Whether the value after `secret:` or `token:` looks like a credential rather than the rest
  /// of a sentence (`The secret: batch your writes`): random-looking, a symbol, or long.
  static func looksGenerated(_ value: Substring) -> Bool {
    looksRandom(value) || value.contains(where: { !$0.isLetter }) || value.count >= 16
  }

  /// Whether a 40-character base64 string looks like an AWS secret access key: upper- and
  /// lowercase letters and digits, not hex (a git SHA-1 is 40 hex digits), at most a few `/`
  /// (a path has many), and many changes between character classes. Random base64 changes
  /// class at ~65% of positions (~25 of 39); CamelCase identifiers and words change far less.
  static func looksLikeAWSSecret(_ candidate: Substring) -> Bool {
    let chars = Array(candidate)
    func cls(_ c: Character) -> Int { c.isUppercase ? 0 : c.isLowercase ? 1 : c.isNumber ? 2 : 3 }
    let classes = chars.map(cls)
    guard classes.contains(0), classes.contains(1), classes.contains(2),
      chars.contains(where: { !$0.isHexDigit }), chars.filter({ $0 == "/" }).count <= 3
    else { return false }
    let changes = zip(classes, classes.dropFirst()).filter { $0 != $1 }.count
    return changes >= 16
  }

  /// Whether a phone candidate has a plausible number of digits and is not a date (`01.05.2024
  /// 12`) or a decimal. E.164 numbers have at most 15 digits; an international `00` prefix is
  /// not part of the number.
  static func isPhoneNumber(_ candidate: Substring, minimumDigits: Int) -> Bool {
    var digits = candidate.filter(\.isNumber).count
    if candidate.hasPrefix("00") { digits -= 2 }
    guard digits >= minimumDigits, digits <= 15 else { return false }
    // `001 002 003 004`: a zero-padded list, not a number. After the first group (which may be
    // an international `00` prefix), a real number has at most one group starting `00`
    // (`0044 161 496 0000`).
    let groups = candidate.split(whereSeparator: { !$0.isNumber })
    guard groups.dropFirst().filter({ $0.hasPrefix("00") }).count < 2 else { return false }
    let datelike = #"^\(?(?:\d{1,2}[./\-]\d{1,2}[./\-]\d{2,4}|\d{4}[./\-]\d{1,2}[./\-]\d{1,2})(?:\D|$)"#
    let decimal = #"^\d+\.\d+$"#
    return candidate.range(of: datelike, options: .regularExpression) == nil
      && candidate.range(of: decimal, options: .regularExpression) == nil
  }

  /// The card numbers in a run of digit groups: the first (longest) span of whole groups with
  /// 13–19 digits, laid out as cards are printed (one block; 4-4-4-4 with a shorter last group;
  /// Amex 4-6-5; Diners 4-6-4), with one kind of separator, starting with a network's digit
  /// (2–6: Mastercard, Visa, Amex/Diners/JCB, Maestro, Discover/UnionPay) and passing the Luhn
  /// checksum, which one random digit string in ten passes. The rest of the run is left to the
  /// phone detector.
  static func cardRanges(in text: String, _ run: Range<String.Index>) -> [Range<String.Index>] {
    var groups: [(range: Range<String.Index>, separator: Character?)] = []
    var index = run.lowerBound
    while index < run.upperBound {
      var end = index
      while end < run.upperBound, text[end].isASCII, text[end].isNumber { end = text.index(after: end) }
      let separator: Character? = end < run.upperBound ? text[end] : nil
      groups.append((index..<end, separator))
      index = separator == nil ? end : text.index(after: end)
    }
    var found: [Range<String.Index>] = []
    var start = 0
    outer: while start < groups.count {
      // Cards have at most five groups, which bounds the search in long runs of numbers.
      for end in stride(from: min(start + 4, groups.count - 1), through: start, by: -1) {
        let span = groups[start...end]
        let lengths = span.map { text.distance(from: $0.range.lowerBound, to: $0.range.upperBound) }
        let separators = Set(span.dropLast().compactMap(\.separator))
        let digits = span.flatMap { text[$0.range] }
        guard (13...19).contains(digits.count), separators.count <= 1, "23456".contains(digits[0]),
          isCardLayout(lengths), luhn(digits)
        else { continue }
        found.append(span.first!.range.lowerBound..<span.last!.range.upperBound)
        start = end + 1
        continue outer
      }
      start += 1
    }
    return found
  }

  static func isCardLayout(_ lengths: [Int]) -> Bool {
    if lengths.count == 1 { return true }
    if lengths == [4, 6, 5] || lengths == [4, 6, 4] { return true }
    return lengths.count >= 3 && lengths.dropLast().allSatisfy { $0 == 4 } && (1...4).contains(lengths.last!)
  }

  /// The Luhn checksum: from the right, double every second digit (minus 9 above 9); the sum is
  /// a multiple of 10.
  static func luhn(_ digits: [Character]) -> Bool {
    var sum = 0
    for (offset, character) in digits.reversed().enumerated() {
      guard let digit = character.wholeNumberValue else { return false }
      sum += offset.isMultiple(of: 2) ? digit : (digit * 2 > 9 ? digit * 2 - 9 : digit * 2)
    }
    return sum.isMultiple(of: 10)
  }
}
