import Foundation

/// How byte-level BPE models cut text into words before merging: each model family fixes a
/// regular expression, named in GGUF by `tokenizer.ggml.pre`.
///
/// Pieces are the regex's matches and the text between them, in order, so no byte is ever
/// dropped. Matching is per Unicode scalar (as in the reference implementations), not per
/// grapheme cluster.
public enum BPEPreTokenizer: String, Sendable, CaseIterable {
  /// GPT-2's expression.
  case gpt2
  /// SmolLM and StarCoder: every digit on its own, then GPT-2's expression.
  case smollm
  /// Llama 3: case-insensitive contractions, letters with one leading non-letter, numbers in
  /// groups of up to three.
  case llama3
  /// Qwen 2: Llama 3's expression with single digits.
  case qwen2

  /// The pre-tokenizer GGUF's `tokenizer.ggml.pre` names; unknown names are an error, since a
  /// wrong pre-tokenizer silently changes ids.
  public init(ggufName: String) throws {
    switch ggufName {
    case "gpt2", "default": self = .gpt2
    case "smollm", "starcoder", "refact", "codeshell": self = .smollm
    case "llama3", "llama-v3", "llama-bpe", "falcon3", "pixtral": self = .llama3
    case "qwen2", "deepseek-r1-qwen", "qwen35": self = .qwen2
    default: throw TokenizerError.invalid("unsupported BPE pre-tokenizer '\(ggufName)' (tokenizer.ggml.pre)")
    }
  }

  private static let gpt2Pattern =
    #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
  private static let llama3Pattern =
    #"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
  private static let qwen2Pattern =
    #"(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

  /// The expressions applied in turn; each splits the pieces the previous one produced.
  private var patterns: [String] {
    switch self {
    case .gpt2: [Self.gpt2Pattern]
    case .smollm: [#"\p{N}"#, Self.gpt2Pattern]
    case .llama3: [Self.llama3Pattern]
    case .qwen2: [Self.qwen2Pattern]
    }
  }

  /// The words of `text`, in order; their concatenation is `text`.
  public func split(_ text: String) -> [Substring] {
    var pieces: [Substring] = [text[...]]
    for pattern in patterns {
      // The patterns are constants tested above; compiling them cannot fail.
      let regex = (try! Regex(pattern)).matchingSemantics(.unicodeScalar)
      pieces = pieces.flatMap { Self.split($0, by: regex) }
    }
    return pieces
  }

  private static func split(_ piece: Substring, by regex: Regex<AnyRegexOutput>) -> [Substring] {
    var out: [Substring] = []
    var last = piece.startIndex
    for match in piece.matches(of: regex) where !match.range.isEmpty {
      if last < match.range.lowerBound { out.append(piece[last..<match.range.lowerBound]) }
      out.append(piece[match.range])
      last = match.range.upperBound
    }
    if last < piece.endIndex { out.append(piece[last...]) }
    return out
  }
}
