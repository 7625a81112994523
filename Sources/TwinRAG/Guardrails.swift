import Foundation
import TwinCore

/// The checks around a RAG call: on the question before retrieval, and on the answer before it
/// is returned. A failed check is a refusal with a reason (a 4xx for the API).
public struct Guardrails: Sendable {
  /// The longest question accepted, in characters.
  public var maxQuestionCharacters: Int
  /// Words or phrases the answer must not contain (case-insensitive).
  public var bannedTerms: [String]
  public var redactor = PIIRedactor()

  public init(maxQuestionCharacters: Int = 2000, bannedTerms: [String] = []) {
    self.maxQuestionCharacters = maxQuestionCharacters
    self.bannedTerms = bannedTerms.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
  }

  /// The question after the input checks: trimmed and with personal data and secrets redacted,
  /// so neither the model nor the trace store ever sees them.
  public struct CheckedInput: Sendable {
    public var text: String
    public var redactions: [PIIRedactor.Finding]
  }

  /// A refused input or output: `check` is `input.length`, `input.injection`, `output.empty`,
  /// `output.degenerate` or `output.banned_term`. Traces record its span as `blocked`.
  public typealias Refusal = TraceRecorder.Blocked

  /// Phrases that try to override the system prompt or extract it. Heuristics: they catch the
  /// common attacks, not a determined adversary.
  static let injectionPatterns: [String] = [
    #"(?i)\b(ignore|disregard|forget|override)\b[^.\n]{0,40}\b(previous|prior|above|earlier|all|your|the)\b[^.\n]{0,20}\b(instructions?|prompts?|rules|directions)\b"#,
    #"(?i)\b(reveal|print|show|repeat|output)\b[^.\n]{0,30}\b(system|hidden|initial)\s+(prompt|instructions?|message)\b"#,
    #"(?i)\byou\s+are\s+now\s+(?:a|an|in|DAN)\b"#,
    #"(?i)\b(jailbreak|developer\s+mode|do\s+anything\s+now)\b"#,
    #"<\|(?:im_start|im_end|system|eot_id|start_header_id)\|>|<start_of_turn>|<end_of_turn>"#,
  ]

  /// One check: its name (the trace span is `guardrails.<name>`) and what it does to the text,
  /// which it returns cleaned, or refuses.
  public struct Check: Sendable {
    public var name: String
    public var run: @Sendable (String) throws(Refusal) -> (text: String, redactions: [PIIRedactor.Finding])
  }

  /// The question's checks, in order: length, prompt injection, then PII redaction.
  public var inputChecks: [Check] {
    let limit = maxQuestionCharacters
    let redactor = redactor
    return [
      Check(name: "input.length") { question throws(Refusal) in
        let trimmed = question.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(check: "input.length", reason: "the question is empty") }
        guard trimmed.count <= limit else {
          throw Refusal(
            check: "input.length", reason: "the question has \(trimmed.count) characters; the limit is \(limit)")
        }
        return (trimmed, [])
      },
      Check(name: "input.injection") { question throws(Refusal) in
        for pattern in Self.injectionPatterns where question.range(of: pattern, options: .regularExpression) != nil {
          throw Refusal(check: "input.injection", reason: "the question looks like a prompt-injection attempt")
        }
        return (question, [])
      },
      Check(name: "input.pii") { question in
        let (text, findings) = redactor.redact(question)
        return (text, findings)
      },
    ]
  }

  /// The answer's checks, in order: empty, degenerate, banned terms, then PII redaction.
  public var outputChecks: [Check] {
    let banned = bannedTerms
    let redactor = redactor
    return [
      Check(name: "output.empty") { answer throws(Refusal) in
        let trimmed = answer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw Refusal(check: "output.empty", reason: "the model returned no text") }
        return (trimmed, [])
      },
      Check(name: "output.degenerate") { answer throws(Refusal) in
        if let loop = Self.repetition(in: answer) {
          throw Refusal(check: "output.degenerate", reason: "the answer repeats \"\(loop)\" over and over")
        }
        return (answer, [])
      },
      Check(name: "output.banned_term") { answer throws(Refusal) in
        let lowered = answer.lowercased()
        if let term = banned.first(where: { lowered.contains($0.lowercased()) }) {
          throw Refusal(check: "output.banned_term", reason: "the answer contains the banned term \"\(term)\"")
        }
        return (answer, [])
      },
      Check(name: "output.pii") { answer in
        let (text, findings) = redactor.redact(answer)
        return (text, findings)
      },
    ]
  }

  /// Runs `checks` in order on `text`.
  static func run(_ checks: [Check], on text: String) throws(Refusal) -> CheckedInput {
    var current = CheckedInput(text: text, redactions: [])
    for check in checks {
      let (cleaned, found) = try check.run(current.text)
      current = CheckedInput(text: cleaned, redactions: current.redactions + found)
    }
    return current
  }

  /// Checks and cleans a question (all of ``inputChecks``).
  public func checkInput(_ question: String) throws(Refusal) -> CheckedInput {
    try Self.run(inputChecks, on: question)
  }

  /// The answer after the output checks (all of ``outputChecks``): personal data redacted;
  /// empty, degenerate or banned output refused.
  public func checkOutput(_ answer: String) throws(Refusal) -> CheckedInput {
    try Self.run(outputChecks, on: answer)
  }

  /// A phrase that makes up most of the text by repetition (a decoding loop), if any: a line or
  /// sentence occurring at least four times and covering over half the text, or a run of one
  /// to four words repeated back to back (six times for one word, four for more).
  static func repetition(in text: String) -> String? {
    let pieces = text.split(whereSeparator: { ".!?\n".contains($0) })
      .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }.filter { $0.count >= 4 }
    if pieces.count >= 4 {
      var counts: [String: Int] = [:]
      for piece in pieces { counts[piece, default: 0] += 1 }
      if let (phrase, n) = counts.max(by: { $0.value * $0.key.count < $1.value * $1.key.count }), n >= 4,
        n * phrase.count * 2 > text.count
      {
        return phrase.count > 60 ? String(phrase.prefix(60)) + "…" : phrase
      }
    }
    let words = text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }).map(String.init)
    for n in 1...4 {
      let needed = n == 1 ? 6 : 4
      guard words.count >= n * needed else { break }
      var start = 0
      while start + n * needed <= words.count {
        let gram = words[start..<start + n]
        var repeats = 1
        while start + (repeats + 1) * n <= words.count, words[(start + repeats * n)..<(start + (repeats + 1) * n)] == gram {
          repeats += 1
        }
        if repeats >= needed { return gram.joined(separator: " ") }
        start += 1
      }
    }
    return nil
  }
}
