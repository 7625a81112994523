import TwinCore

/// An incremental recogniser of compact JSON documents that satisfy a ``JSONSchema``, fed one
/// byte at a time.
///
/// After every byte it knows whether the bytes so far can still be extended into a valid
/// document, and whether they already are one. That is what token masking needs: a token is
/// allowed when all its bytes are accepted. Whitespace outside strings is not generated (the
/// output is compact JSON), so a small model cannot wander off into endless blank lines.
///
/// `anyOf` alternatives are told apart by their first byte (a string or null, an object or a
/// number, …); when several alternatives can start with the same byte, the first one is used.
struct JSONMatcher: Sendable {
  /// What the innermost open value expects next.
  enum Frame: Sendable {
    /// The start of a value of this schema.
    case value(JSONSchema)
    case object(ObjectFrame)
    case array(ArrayFrame)
    case string(StringFrame)
    case number(NumberFrame)
    /// One of several exact texts (literals `true`/`false`/`null`, enumerations).
    case choices(ChoiceFrame)
  }

  private(set) var stack: [Frame]
  /// Whether the root value has been closed.
  private(set) var finished = false
  /// The bounds of strings and keys the schema leaves open.
  let limits: JSONLengthLimits

  init(schema: JSONSchema, limits: JSONLengthLimits = JSONLengthLimits()) {
    stack = [.value(schema)]
    self.limits = limits
  }

  /// Whether the bytes so far form a complete document.
  var isComplete: Bool {
    if finished { return true }
    guard stack.count == 1, let top = stack.last else { return false }
    switch top {
    case .number(let n): return n.isComplete
    case .choices(let c): return c.isComplete
    default: return false
    }
  }

  /// Whether the innermost frame is inside a string's plain content (not a key, not after a
  /// backslash), where any byte other than `"`, `\` and control characters is accepted.
  var plainStringRoom: Int? {
    guard case .string(let s)? = stack.last, s.key == nil, s.escape == .none, s.pendingContinuation == 0 else {
      return nil
    }
    return s.maxLength.map { $0 - s.characters } ?? Int.max
  }

  /// Accepts `byte` if the document can continue with it; returns false (leaving the state
  /// unusable) otherwise.
  mutating func feed(_ byte: UInt8) -> Bool {
    while let top = stack.popLast() {
      switch step(top, byte) {
      case .reject: return false
      case .consumed(let replacement):
        stack += replacement.map(bounded)
        return true
      case .completedWithoutConsuming:
        // The value (a number or an ambiguous choice) ended before this byte: the byte belongs
        // to the enclosing value.
        if stack.isEmpty { return false }
        continue
      }
    }
    return false
  }

  /// `frame`, with a string or key the schema leaves unbounded given the limit for its kind:
  /// every new frame passes here, so no string can run on to `max_tokens`.
  private func bounded(_ frame: Frame) -> Frame {
    guard case .string(var s) = frame, s.maxLength == nil else { return frame }
    s.maxLength = s.key == nil ? limits.stringCharacters : limits.keyCharacters
    return .string(s)
  }

  private enum Step {
    case reject
    /// The byte was accepted; these frames replace the popped one (innermost last).
    case consumed([Frame])
    case completedWithoutConsuming
  }

  private mutating func step(_ frame: Frame, _ byte: UInt8) -> Step {
    switch frame {
    case .value(let schema):
      guard let opened = Self.open(schema, with: byte) else { return .reject }
      return settle(opened)
    case .object(var o):
      return o.feed(byte).map { settle($0) } ?? .reject
    case .array(var a):
      return a.feed(byte).map { settle($0) } ?? .reject
    case .string(var s):
      guard let closed = s.feed(byte) else { return .reject }
      if closed, let key = s.key {
        // A key was closed: the object frame below records it and expects the colon.
        guard case .object(var o)? = stack.popLast() else { return .reject }
        o.keyClosed(key.text)
        return .consumed([.object(o)])
      }
      return closed ? completeValue() : .consumed([.string(s)])
    case .number(var n):
      if n.feed(byte) { return .consumed([.number(n)]) }
      return n.isComplete ? completeNoConsume() : .reject
    case .choices(var c):
      if c.feed(byte) {
        return c.isFinal ? completeValue() : .consumed([.choices(c)])
      }
      return c.isComplete ? completeNoConsume() : .reject
    }
  }

  /// Frames produced by a byte: empty means the value closed with that byte.
  private mutating func settle(_ frames: [Frame]) -> Step {
    frames.isEmpty ? completeValue() : .consumed(frames)
  }

  private mutating func completeValue() -> Step {
    if stack.isEmpty { finished = true }
    return .consumed([])
  }

  private mutating func completeNoConsume() -> Step {
    if stack.isEmpty { finished = true }
    return .completedWithoutConsuming
  }

  /// The frames a value of `schema` opens with `byte`, or nil if it cannot start with it.
  /// An empty list means the byte alone completed the value (never the case in JSON).
  static func open(_ schema: JSONSchema, with byte: UInt8) -> [Frame]? {
    switch schema {
    case .any:
      switch byte {
      case UInt8(ascii: "{"): return open(.object(properties: [], required: [], additional: .any), with: byte)
      case UInt8(ascii: "["): return open(.array(items: .any, minItems: 0, maxItems: nil), with: byte)
      case UInt8(ascii: "\""): return open(.string(minLength: 0, maxLength: nil), with: byte)
      case UInt8(ascii: "t"), UInt8(ascii: "f"): return open(.boolean, with: byte)
      case UInt8(ascii: "n"): return open(.null, with: byte)
      default: return open(.number, with: byte)
      }
    case .object(let properties, let required, let additional):
      guard byte == UInt8(ascii: "{") else { return nil }
      return [.object(ObjectFrame(properties: properties, required: required, additional: additional))]
    case .array(let items, let minItems, let maxItems):
      guard byte == UInt8(ascii: "[") else { return nil }
      return [.array(ArrayFrame(items: items, minItems: minItems, maxItems: maxItems))]
    case .string(let minLength, let maxLength):
      guard byte == UInt8(ascii: "\"") else { return nil }
      return [.string(StringFrame(minLength: minLength, maxLength: maxLength, key: nil))]
    case .number, .integer:
      var n = NumberFrame(integer: schema == .integer)
      return n.feed(byte) ? [.number(n)] : nil
    case .boolean: return ChoiceFrame.opening(["true", "false"], with: byte)
    case .null: return ChoiceFrame.opening(["null"], with: byte)
    case .enumeration(let texts): return ChoiceFrame.opening(texts, with: byte)
    case .anyOf(let alternatives):
      for alternative in alternatives {
        if let frames = open(alternative, with: byte) { return frames }
      }
      return nil
    }
  }
}

/// An object being read: which keys are still possible, and what comes next.
struct ObjectFrame: Sendable {
  enum Phase: Sendable { case start, expectKey, expectColon(String), afterValue }
  let properties: [(String, JSONSchema)]
  let required: Set<String>
  let additional: JSONSchema?
  var seen: Set<String> = []
  var phase = Phase.start

  init(properties: [(String, JSONSchema)], required: Set<String>, additional: JSONSchema?) {
    self.properties = properties
    self.required = required
    self.additional = additional
  }

  /// Property names that may still appear.
  var remainingNames: [String] { properties.map(\.0).filter { !seen.contains($0) } }
  var canClose: Bool { required.isSubset(of: seen) }
  var canAddKey: Bool { additional != nil || !remainingNames.isEmpty }

  /// The frames after `byte`, or nil when it is not allowed here (empty: the object closed).
  mutating func feed(_ byte: UInt8) -> [JSONMatcher.Frame]? {
    switch phase {
    case .start, .afterValue:
      if byte == UInt8(ascii: "}") { return canClose ? [] : nil }
      if case .start = phase, byte == UInt8(ascii: "\""), canAddKey { return openKey() }
      if case .afterValue = phase, byte == UInt8(ascii: ","), canAddKey {
        phase = .expectKey
        return [.object(self)]
      }
      return nil
    case .expectKey:
      return byte == UInt8(ascii: "\"") ? openKey() : nil
    case .expectColon(let key):
      guard byte == UInt8(ascii: ":") else { return nil }
      seen.insert(key)
      phase = .afterValue
      let schema = properties.first { $0.0 == key }?.1 ?? additional ?? .any
      return [.object(self), .value(schema)]
    }
  }

  private func openKey() -> [JSONMatcher.Frame] {
    let names = remainingNames.map { Array($0.utf8) }
    let key = StringFrame.Key(candidates: additional == nil ? names : nil, excluded: seen)
    return [.object(self), .string(StringFrame(minLength: 1, maxLength: nil, key: key))]
  }

  mutating func keyClosed(_ key: String) { phase = .expectColon(key) }
}

/// An array being read.
struct ArrayFrame: Sendable {
  let items: JSONSchema
  let minItems: Int
  let maxItems: Int?
  var count = 0
  var expectingValue = false

  mutating func feed(_ byte: UInt8) -> [JSONMatcher.Frame]? {
    if !expectingValue && byte == UInt8(ascii: "]") { return count >= minItems ? [] : nil }
    if !expectingValue && count > 0 {
      guard byte == UInt8(ascii: ","), count < (maxItems ?? .max) else { return nil }
      expectingValue = true
      return [.array(self)]
    }
    // The first byte of an element.
    guard count < (maxItems ?? .max), let opened = JSONMatcher.open(items, with: byte) else { return nil }
    count += 1
    expectingValue = false
    return [.array(self)] + opened
  }
}

/// A string being read (after its opening quote): a value, or an object key.
struct StringFrame: Sendable {
  enum Escape: Sendable, Equatable { case none, backslash, unicode(Int) }
  struct Key: Sendable {
    /// Allowed names (raw UTF-8), or nil for any name not yet used.
    var candidates: [[UInt8]]?
    var excluded: Set<String>
    var bytes: [UInt8] = []
    var text: String { String(decoding: bytes, as: UTF8.self) }
  }

  let minLength: Int
  var maxLength: Int?
  var key: Key?
  var characters = 0
  var escape = Escape.none
  /// Continuation bytes the current UTF-8 character still needs: the text stays valid UTF-8
  /// even when a character is split across tokens.
  var pendingContinuation = 0

  /// The continuation bytes a UTF-8 lead byte announces (0 for ASCII), or nil for a byte that
  /// cannot start a character.
  static func continuationCount(after lead: UInt8) -> Int? {
    switch lead {
    case 0x00...0x7F: 0
    case 0xC2...0xDF: 1
    case 0xE0...0xEF: 2
    case 0xF0...0xF4: 3
    default: nil
    }
  }

  /// Feeds one byte; nil rejects it, true means the closing quote.
  mutating func feed(_ byte: UInt8) -> Bool? {
    if pendingContinuation > 0 {
      guard byte & 0xC0 == 0x80 else { return nil }
      pendingContinuation -= 1
      guard appendToKey(byte), !isDeadKey else { return nil }
      return false
    }
    switch escape {
    case .backslash:
      guard key == nil else { return nil }  // keys are plain names
      if byte == UInt8(ascii: "u") {
        escape = .unicode(4)
        return false
      }
      guard Array("\"\\/bfnrt".utf8).contains(byte) else { return nil }
      escape = .none
      return false
    case .unicode(let left):
      guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
        || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
      else { return nil }
      escape = left == 1 ? .none : .unicode(left - 1)
      return false
    case .none:
      break
    }
    if byte == UInt8(ascii: "\"") {
      guard characters >= minLength else { return nil }
      if let key {
        if let candidates = key.candidates { return candidates.contains(key.bytes) ? true : nil }
        return key.excluded.contains(key.text) ? nil : true
      }
      return true
    }
    guard byte >= 0x20, let continuation = Self.continuationCount(after: byte) else { return nil }
    if let maxLength, characters >= maxLength { return nil }
    if byte == UInt8(ascii: "\\") {
      guard key == nil else { return nil }
      escape = .backslash
      characters += 1
      return false
    }
    guard appendToKey(byte) else { return nil }
    pendingContinuation = continuation
    characters += 1
    return isDeadKey ? nil : false
  }

  /// A free key at its length limit that names a key already used: it could neither close nor
  /// grow, so the byte that made it is refused instead.
  private var isDeadKey: Bool {
    guard let key, key.candidates == nil, pendingContinuation == 0, let maxLength, characters >= maxLength else {
      return false
    }
    return key.excluded.contains(key.text)
  }

  /// Records a key's byte; false when no allowed name starts with the key so far.
  private mutating func appendToKey(_ byte: UInt8) -> Bool {
    guard var k = key else { return true }
    k.bytes.append(byte)
    if let candidates = k.candidates {
      guard candidates.contains(where: { $0.starts(with: k.bytes) }) else { return false }
    }
    key = k
    return true
  }
}

/// A JSON number being read. Digits are capped so generation cannot run on forever.
struct NumberFrame: Sendable {
  enum Phase: Sendable { case start, minus, zero, integer, dot, fraction, exponent, exponentSign, exponentDigits }
  static let maxDigits = 18
  let integer: Bool
  var phase = Phase.start
  var digits = 0

  init(integer: Bool) { self.integer = integer }

  var isComplete: Bool {
    switch phase {
    case .zero, .integer, .fraction, .exponentDigits: true
    default: false
    }
  }

  mutating func feed(_ byte: UInt8) -> Bool {
    let isDigit = (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
    if isDigit {
      guard digits < Self.maxDigits else { return false }
    }
    switch (phase, byte) {
    case (.start, UInt8(ascii: "-")): phase = .minus
    case (.start, UInt8(ascii: "0")), (.minus, UInt8(ascii: "0")): phase = .zero
    case (.start, _) where isDigit, (.minus, _) where isDigit, (.integer, _) where isDigit: phase = .integer
    case (.zero, UInt8(ascii: ".")) where !integer, (.integer, UInt8(ascii: ".")) where !integer: phase = .dot
    case (.dot, _) where isDigit, (.fraction, _) where isDigit: phase = .fraction
    case (.zero, UInt8(ascii: "e")) where !integer, (.zero, UInt8(ascii: "E")) where !integer,
      (.integer, UInt8(ascii: "e")) where !integer, (.integer, UInt8(ascii: "E")) where !integer,
      (.fraction, UInt8(ascii: "e")), (.fraction, UInt8(ascii: "E")):
      phase = .exponent
    case (.exponent, UInt8(ascii: "+")), (.exponent, UInt8(ascii: "-")): phase = .exponentSign
    case (.exponent, _) where isDigit, (.exponentSign, _) where isDigit, (.exponentDigits, _) where isDigit:
      phase = .exponentDigits
    default: return false
    }
    if isDigit { digits += 1 }
    return true
  }
}

/// One of several exact texts, matched byte by byte.
struct ChoiceFrame: Sendable {
  var options: [[UInt8]]
  var matched = 0

  /// The frames for a value that must be one of `texts`, after its first byte.
  static func opening(_ texts: [String], with byte: UInt8) -> [JSONMatcher.Frame]? {
    var frame = ChoiceFrame(options: texts.map { Array($0.utf8) })
    guard frame.feed(byte) else { return nil }
    return frame.isFinal ? [] : [.choices(frame)]
  }

  /// Some option has been matched in full.
  var isComplete: Bool { options.contains { $0.count == matched } }
  /// Every remaining option is matched in full: nothing can follow.
  var isFinal: Bool { options.allSatisfy { $0.count == matched } }

  mutating func feed(_ byte: UInt8) -> Bool {
    let next = options.filter { $0.count > matched && $0[matched] == byte }
    guard !next.isEmpty else { return false }
    options = next
    matched += 1
    return true
  }
}

/// How a text relates to the compact JSON documents a schema allows.
public enum JSONPrefixMatch: Sendable, Equatable {
  /// No valid document starts with the text.
  case invalid
  /// The text can still be extended into a valid document.
  case prefix
  /// The text is a valid document.
  case complete
}

extension JSONSchema {
  /// Whether `text` is a valid document, a prefix of one, or neither, exactly as constrained
  /// generation judges it (compact JSON: no whitespace outside strings).
  public func match(_ text: String) -> JSONPrefixMatch {
    var matcher = JSONMatcher(schema: self)
    for byte in text.utf8 where !matcher.feed(byte) { return .invalid }
    return matcher.isComplete ? .complete : .prefix
  }
}
