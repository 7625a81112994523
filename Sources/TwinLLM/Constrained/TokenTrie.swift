import TwinCore
import TwinTokenizers

/// A recogniser fed one byte at a time, whose accepted tokens a ``TokenTrie`` finds: the JSON
/// matcher, and the tool-call matcher built around it.
protocol ByteMatcher: Sendable {
  /// Accepts `byte` if the text can continue with it; returns false (leaving the state
  /// unusable) otherwise.
  mutating func feed(_ byte: UInt8) -> Bool
  /// Inside a string's plain content: how many more characters it may hold (any byte but `"`,
  /// `\` and control bytes is accepted there). Nil elsewhere.
  var plainStringRoom: Int? { get }
  /// Whether the text so far may end here.
  var isComplete: Bool { get }
}

extension JSONMatcher: ByteMatcher {}

/// The vocabulary's token texts (as bytes) in a trie, so that the tokens a matcher accepts
/// can be found by walking only the prefixes it accepts.
///
/// Tokens that contain no `"`, `\` or control byte ("plain" tokens) are kept aside as well:
/// inside a string every one of them is acceptable, so they are admitted in bulk instead of
/// being walked byte by byte.
struct TokenTrie: Sendable {
  /// Per node: its outgoing edges, sorted by byte.
  private var edges: [[(byte: UInt8, child: Int32)]] = [[]]
  /// Per node: the tokens whose text ends there.
  private var tokensAt: [[Int32]] = [[]]
  /// A second trie over the non-plain tokens only (those with a quote, backslash or control
  /// byte), walked inside strings.
  private var special: [[(byte: UInt8, child: Int32)]] = [[]]
  private var specialTokensAt: [[Int32]] = [[]]
  /// Plain tokens and their character counts (UTF-8 lead bytes).
  let plain: [(id: Int32, characters: Int)]

  init(tokens: [(id: Int32, bytes: [UInt8])]) {
    var plain: [(Int32, Int)] = []
    for (id, bytes) in tokens where !bytes.isEmpty {
      Self.insert(bytes, id: id, edges: &edges, tokensAt: &tokensAt)
      if bytes.allSatisfy({ $0 >= 0x20 && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "\\") }),
        Self.startsValidUTF8(bytes)
      {
        plain.append((id, bytes.filter { $0 & 0xC0 != 0x80 }.count))
      } else {
        Self.insert(bytes, id: id, edges: &special, tokensAt: &specialTokensAt)
      }
    }
    self.plain = plain
  }

  /// Whether `bytes` can follow a complete character: valid UTF-8, except that the last
  /// character may be unfinished. Other tokens (a lone continuation byte) are walked byte by
  /// byte, where the matcher accepts them only to finish a character.
  static func startsValidUTF8(_ bytes: [UInt8]) -> Bool {
    var pending = 0
    for byte in bytes {
      if pending > 0 {
        guard byte & 0xC0 == 0x80 else { return false }
        pending -= 1
      } else {
        guard let count = StringFrame.continuationCount(after: byte) else { return false }
        pending = count
      }
    }
    return true
  }

  private static func insert(
    _ bytes: [UInt8], id: Int32, edges: inout [[(byte: UInt8, child: Int32)]], tokensAt: inout [[Int32]]
  ) {
    var node = 0
    for byte in bytes {
      if let edge = edges[node].first(where: { $0.byte == byte }) {
        node = Int(edge.child)
      } else {
        let child = Int32(edges.count)
        edges.append([])
        tokensAt.append([])
        edges[node].append((byte, child))
        node = Int(child)
      }
    }
    tokensAt[node].append(id)
  }

  /// Every token all of whose bytes `matcher` accepts from its current state.
  func allowed(from matcher: some ByteMatcher) -> Set<Int32> {
    var result = Set<Int32>()
    if let room = matcher.plainStringRoom {
      for token in plain where token.characters <= room { result.insert(token.id) }
      walk(special, specialTokensAt, node: 0, matcher, into: &result)
    } else {
      walk(edges, tokensAt, node: 0, matcher, into: &result)
    }
    return result
  }

  private func walk<Matcher: ByteMatcher>(
    _ edges: [[(byte: UInt8, child: Int32)]], _ tokensAt: [[Int32]], node: Int, _ matcher: Matcher,
    into result: inout Set<Int32>
  ) {
    for edge in edges[node] {
      var next = matcher
      guard next.feed(edge.byte) else { continue }
      let child = Int(edge.child)
      result.formUnion(tokensAt[child])
      walk(edges, tokensAt, node: child, next, into: &result)
    }
  }
}

/// What a constrained generation may produce next: the engine asks before every token.
///
/// One constraint follows one generation, called from one thread at a time (the generation
/// loop).
public protocol TokenConstraint: AnyObject, Sendable {
  /// Whether the text so far may be the whole reply.
  var isComplete: Bool { get }
  /// The tokens allowed after `generated` (which must extend what was passed before); nil
  /// when any token is, empty when the reply must end.
  func mask(after generated: [Int32]) -> Set<Int32>?
}

/// Constrains a generation to JSON satisfying a schema: feeds each generated token to a
/// ``JSONMatcher`` and answers which tokens may come next.
///
/// Called from one thread at a time (the generation loop), hence `@unchecked Sendable`.
public final class JSONConstraint: TokenConstraint, @unchecked Sendable {
  private let trie: TokenTrie
  private var matcher: JSONMatcher
  private var fed = 0
  private let tokenizer: LLMTokenizer
  private let endTokens: Set<Int32>

  /// - Parameters:
  ///   - trie: Build once per tokenizer with ``JSONConstraint/trie(for:)`` and reuse.
  ///   - limits: The bounds of strings and keys the schema leaves open.
  init(schema: JSONSchema, tokenizer: LLMTokenizer, trie: TokenTrie, limits: JSONLengthLimits = JSONLengthLimits()) {
    self.trie = trie
    self.tokenizer = tokenizer
    matcher = JSONMatcher(schema: schema, limits: limits)
    endTokens = tokenizer.vocabulary.endOfGenerationIDs
  }

  public convenience init(schema: JSONSchema, tokenizer: LLMTokenizer, limits: JSONLengthLimits = JSONLengthLimits()) {
    self.init(schema: schema, tokenizer: tokenizer, trie: Self.trie(for: tokenizer), limits: limits)
  }

  /// The trie of a tokenizer's ordinary tokens (control and special tokens are never allowed
  /// inside JSON).
  static func trie(for tokenizer: LLMTokenizer) -> TokenTrie {
    let vocabulary = tokenizer.vocabulary
    let ids = (0..<Int32(vocabulary.count)).filter {
      switch vocabulary.type($0) {
      case .normal, .userDefined, .byte: true
      case .control, .unknown, .unused, .undefined: false
      }
    }
    return TokenTrie(tokens: ids.map { ($0, tokenizer.bytes(of: $0)) })
  }

  /// Whether the text so far is a complete document.
  public var isComplete: Bool { matcher.isComplete }

  /// The tokens allowed after `generated` (which must extend what was passed before): an empty
  /// set once the document is complete and cannot be extended.
  public func allowedTokens(after generated: [Int32]) -> Set<Int32> {
    while fed < generated.count {
      for byte in tokenizer.bytes(of: generated[fed]) { _ = matcher.feed(byte) }
      fed += 1
    }
    var allowed = trie.allowed(from: matcher)
    if matcher.isComplete {
      if allowed.isEmpty { return [] }
      allowed.formUnion(endTokens)
    }
    return allowed
  }

  public func mask(after generated: [Int32]) -> Set<Int32>? { allowedTokens(after: generated) }
}
