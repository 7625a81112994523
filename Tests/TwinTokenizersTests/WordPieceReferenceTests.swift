import Foundation
import Testing
import TwinTokenizers

/// The tokenizer against Hugging Face `tokenizers` on the real all-MiniLM-L6-v2 files.
@Suite struct WordPieceReferenceTests {
  static let tokenizer: Result<WordPieceTokenizer, any Error> = Result {
    try WordPieceTokenizer(tokenizerJSON: ModelFiles.tokenizerJSON())
  }

  @Test func fixturesCoverTheRequiredCases() {
    let cases = WordPieceCase.all
    #expect(cases.count >= 300)
    #expect(cases.contains { $0.text.isEmpty })
    #expect(cases.contains { $0.ids.count > 256 && $0.maxLength == nil })
    #expect(WordPieceCase.truncated.count >= 5)
  }

  @Test func matchesTheReferenceOnEveryFixture() throws {
    let tokenizer = try Self.tokenizer.get()
    let mismatch = firstMismatch(WordPieceCase.full) { tokenizer.encode($0.text, maxLength: nil) }
    if let mismatch { Issue.record(Comment(rawValue: mismatch)) }
  }

  @Test func matchesSentenceTransformersTruncation() throws {
    let tokenizer = try Self.tokenizer.get()
    let mismatch = firstMismatch(WordPieceCase.truncated) {
      tokenizer.encode($0.text, maxLength: $0.maxLength)
    }
    if let mismatch { Issue.record(Comment(rawValue: mismatch)) }
  }

  @Test func truncationKeepsClassifierFirstAndSeparatorLast() throws {
    let tokenizer = try Self.tokenizer.get()
    let long = try #require(WordPieceCase.full.first { $0.ids.count > 300 })
    for limit in [256, 128, 3, 2] {
      let ids = tokenizer.encode(long.text, maxLength: limit)
      #expect(ids.count == limit)
      #expect(ids.first == tokenizer.clsID)
      #expect(ids.last == tokenizer.sepID)
      // The kept tokens are the first ones of the full encoding.
      #expect(Array(ids.dropLast()) == Array(long.ids.prefix(limit - 1)))
    }
    // Short texts are not padded, and a limit below 2 still gives [CLS] [SEP].
    #expect(tokenizer.encode("hello", maxLength: 256) == [101, 7592, 102])
    #expect(tokenizer.encode("hello", maxLength: 0) == [101, 102])
  }

  @Test func batchEncodingEqualsOneByOne() throws {
    let tokenizer = try Self.tokenizer.get()
    let texts = WordPieceCase.full.map(\.text)
    let batch = tokenizer.encodeBatch(texts, maxLength: 256)
    #expect(batch == texts.map { tokenizer.encode($0, maxLength: 256) })
    #expect(
      tokenizer.encodeBatch(Array(texts.prefix(3)), maxLength: nil)
        == WordPieceCase.full.prefix(3).map(\.ids))
    #expect(tokenizer.encodeBatch([], maxLength: nil).isEmpty)
    // Sizes that do not split evenly into chunks.
    for count in [32, 33, 47, 101] {
      let some = Array(texts.prefix(count))
      #expect(
        tokenizer.encodeBatch(some, maxLength: nil) == WordPieceCase.full.prefix(count).map(\.ids))
    }
  }

  @Test func exposesTheSpecialTokensAndVocabulary() throws {
    let tokenizer = try Self.tokenizer.get()
    #expect(tokenizer.vocabularySize == 30522)
    #expect(tokenizer.clsID == 101)
    #expect(tokenizer.sepID == 102)
    #expect(tokenizer.padID == 0)
    #expect(tokenizer.unkID == 100)
    #expect(
      tokenizer.tokens("Tokenization of İstanbul's ÆSIR: 東京!") == [
        "token", "##ization", "of", "istanbul", "'", "s", "æ", "##sir", ":", "東", "京", "!",
      ])
    #expect(tokenizer.tokens("say [MASK] now") == ["say", "[MASK]", "now"])
    #expect(tokenizer.tokens(String(repeating: "a", count: 101)) == ["[UNK]"])
    #expect(tokenizer.tokens("").isEmpty)
  }

  @Test func vocabTXTGivesTheSameIDs() throws {
    let fromJSON = try Self.tokenizer.get()
    let fromVocab = try WordPieceTokenizer(vocabTXT: ModelFiles.vocabTXT())
    #expect(fromVocab.vocabularySize == fromJSON.vocabularySize)
    #expect(fromVocab.clsID == fromJSON.clsID && fromVocab.sepID == fromJSON.sepID)
    #expect(fromVocab.padID == fromJSON.padID && fromVocab.unkID == fromJSON.unkID)
    let ascii = WordPieceCase.full.filter { $0.text.unicodeScalars.allSatisfy(\.isASCII) }
    #expect(ascii.count >= 50)
    let mismatch = firstMismatch(ascii) { fromVocab.encode($0.text, maxLength: nil) }
    if let mismatch { Issue.record(Comment(rawValue: mismatch)) }
    // The same defaults hold beyond ASCII: this vocab.txt is what the tokenizer.json was made from.
    let everything = firstMismatch(WordPieceCase.full) { fromVocab.encode($0.text, maxLength: nil) }
    if let everything { Issue.record(Comment(rawValue: everything)) }
  }
}
