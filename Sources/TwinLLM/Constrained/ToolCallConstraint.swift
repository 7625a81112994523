import TwinCore
import TwinTokenizers

/// Constrains a generation to a reply of tool calls (or, in `auto` mode, text that may turn
/// into calls): feeds each generated token to a ``ToolCallMatcher`` and answers which tokens
/// may come next. While the reply is free text it puts no mask on the model at all.
///
/// Called from one thread at a time (the generation loop), hence `@unchecked Sendable`.
public final class ToolCallConstraint: TokenConstraint, @unchecked Sendable {
  private let trie: TokenTrie
  private var matcher: ToolCallMatcher
  private var fed = 0
  private let tokenizer: LLMTokenizer
  private let endTokens: Set<Int32>

  /// - Parameters:
  ///   - tools: The tools that may be called, with their argument schemas.
  ///   - free: Whether the reply may be text (`tool_choice: auto`).
  ///   - parallel: Whether several calls may follow one another.
  init(
    tools: [(name: String, schema: JSONSchema)], free: Bool, parallel: Bool, tokenizer: LLMTokenizer, trie: TokenTrie,
    limits: JSONLengthLimits
  ) {
    self.trie = trie
    self.tokenizer = tokenizer
    matcher = ToolCallMatcher(tools: tools, free: free, parallel: parallel, limits: limits)
    endTokens = tokenizer.vocabulary.endOfGenerationIDs
  }

  public var isComplete: Bool { matcher.isComplete }

  public func mask(after generated: [Int32]) -> Set<Int32>? {
    while fed < generated.count {
      for byte in tokenizer.bytes(of: generated[fed]) where !matcher.feed(byte) {
        // Only free text can get here (a token that completed the trigger and went on with
        // bytes a call cannot start with): the reply stays text.
        matcher = ToolCallMatcher(tools: [], free: true, parallel: false, limits: matcher.limits)
        break
      }
      fed += 1
    }
    if matcher.isFree { return nil }
    var allowed = trie.allowed(from: matcher)
    if matcher.isComplete { allowed.formUnion(endTokens) }
    return allowed
  }
}
