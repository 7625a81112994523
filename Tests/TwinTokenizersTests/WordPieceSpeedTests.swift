import Foundation
import Testing
import TwinTokenizers

/// Tokenising must stay a small part of embedding: the benchmark embeds 2,000 sentences of
/// 40–120 words, and the model takes seconds for them.
@Suite struct WordPieceSpeedTests {
  /// 2,000 deterministic sentences of about 80 words from the fixture texts' vocabulary.
  static func sentences() -> [String] {
    let words = WordPieceCase.full.flatMap { $0.text.split(whereSeparator: \.isWhitespace) }.map(
      String.init)
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next(_ bound: Int) -> Int {
      // xorshift64: deterministic across platforms, unlike the system generator.
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      return Int(state % UInt64(bound))
    }
    return (0..<2000).map { _ in
      (0..<(40 + next(81))).map { _ in words[next(words.count)] }.joined(separator: " ")
    }
  }

  @Test func tokenizesTwoThousandSentencesQuickly() throws {
    let tokenizer = try WordPieceReferenceTests.tokenizer.get()
    let sentences = Self.sentences()
    _ = tokenizer.encode(sentences[0], maxLength: 256)  // builds the character tables
    let clock = ContinuousClock()
    var tokens = 0
    // The best of three runs: other suites run concurrently and would otherwise add noise.
    let serial = (0..<3).map { _ in
      clock.measure {
        tokens = 0
        for sentence in sentences { tokens += tokenizer.encode(sentence, maxLength: 256).count }
      }
    }.min()!
    let batched = (0..<3).map { _ in
      clock.measure { _ = tokenizer.encodeBatch(sentences, maxLength: 256) }
    }.min()!
    print(
      "WordPiece: 2,000 sentences, \(tokens) tokens: \(serial) serial, \(batched) with encodeBatch")
    // The budget is well under 100 ms in a quiet release build (about 30 ms on 2 cores). The
    // bound here is loose because tests share the machine with each other; it catches
    // pathological regressions (a per-character String, a quadratic loop), not small ones.
    #if DEBUG
      let limit = Duration.seconds(20)
    #else
      let limit = Duration.milliseconds(500)
    #endif
    #expect(serial < limit)
  }
}
