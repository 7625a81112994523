import Foundation
import Testing
import TwinCore
import TwinFeatures

/// A stand-in tokenizer for unit tests: every whitespace-separated word costs one token per
/// four characters, so long words cost many (like WordPiece pieces). The real tokenizer is
/// exercised by the pipeline tests.
let fourCharTokens: @Sendable (String) -> Int = { text in
  text.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).reduce(0) { $0 + ($1.count + 3) / 4 }
}

func cleaned(_ category: DocumentCategory, _ content: String, files: [RepositoryFile] = [], id: UUID = UUID())
  -> CleanedDocument
{
  CleanedDocument(
    id: id, category: category, title: "T", content: content, files: files, platform: "p", authorID: UUID(),
    authorFullName: "A B", link: "https://example.com/\(id)", sourceHash: "h")
}

/// Deterministic prose: `count` paragraphs of sentences of varying length.
func prose(paragraphs count: Int, seed: Int = 1) -> String {
  var state = UInt64(seed)
  func next() -> Int {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Int(state >> 33)
  }
  let words = ["vector", "index", "chunk", "token", "model", "embedding", "the", "a", "search", "retrieval",
    "transformer", "window", "overlap", "paragraph", "sentence", "quantisation", "kernel"]
  return (0..<count).map { _ in
    (0..<(1 + next() % 6)).map { _ in
      var sentence = (0..<(4 + next() % 25)).map { _ in words[next() % words.count] }
      sentence[0] = sentence[0].capitalized
      return sentence.joined(separator: " ") + "."
    }.joined(separator: " ")
  }.joined(separator: "\n\n")
}

@Suite struct DocumentChunkerTests {
  let settings: [DocumentCategory: ChunkingSettings] = [
    .articles: ChunkingSettings(maxTokens: 64, overlapTokens: 12),
    .posts: ChunkingSettings(maxTokens: 48, overlapTokens: 8),
    .repositories: ChunkingSettings(maxTokens: 40, overlapTokens: 6),
  ]

  var chunker: DocumentChunker { DocumentChunker(settings: settings, tokenCount: fourCharTokens) }

  @Test(arguments: DocumentCategory.allCases)
  func noChunkExceedsTheLimit(category: DocumentCategory) {
    let long = prose(paragraphs: 40) + "\n\n" + String(repeating: "x", count: 900) + " tail.\n\n"
      + (0..<80).map { "word\($0)" }.joined(separator: " ")
    let files = [
      RepositoryFile(path: "src/main.swift", text: (0..<120).map { "let value\($0) = compute(\($0)) // note" }.joined(separator: "\n")),
      RepositoryFile(path: "min.js", text: String(repeating: "a=1;", count: 400)),
      RepositoryFile(path: "small.txt", text: "tiny"),
    ]
    let document = cleaned(category, long, files: files)
    let chunks = chunker.chunk(document)
    let limit = settings[category]!.maxTokens
    #expect(!chunks.isEmpty)
    for chunk in chunks {
      #expect(fourCharTokens(chunk.text) <= limit, "chunk \(chunk.index) has \(fourCharTokens(chunk.text)) tokens")
      #expect(chunk.tokenCount == fourCharTokens(chunk.text))
    }
    #expect(chunks.map(\.index) == Array(0..<chunks.count))
  }

  @Test func everyWordOfProseIsKept() {
    let text = prose(paragraphs: 30, seed: 7)
    let chunks = chunker.chunk(cleaned(.articles, text))
    let covered = Set(chunks.flatMap { $0.text.split(separator: " ").map(String.init) })
    for word in Set(text.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)) {
      #expect(covered.contains(word), "lost \(word)")
    }
  }

  @Test func consecutiveChunksOverlap() {
    let chunks = chunker.chunk(cleaned(.articles, prose(paragraphs: 20, seed: 3)))
    #expect(chunks.count > 3)
    var overlapping = 0
    for (a, b) in zip(chunks, chunks.dropFirst()) {
      let lastSentence = a.text.components(separatedBy: ". ").last ?? ""
      if b.text.hasPrefix(lastSentence.trimmingCharacters(in: .whitespaces)) { overlapping += 1 }
    }
    #expect(overlapping > 0)
  }

  @Test func idsAreDeterministicAndEditsAreLocal() throws {
    let id = UUID()
    var paragraphs = prose(paragraphs: 24, seed: 11).components(separatedBy: "\n\n")
    let before = chunker.chunk(cleaned(.articles, paragraphs.joined(separator: "\n\n"), id: id))
    let again = chunker.chunk(cleaned(.articles, paragraphs.joined(separator: "\n\n"), id: id))
    #expect(before.map(\.id) == again.map(\.id))
    #expect(Set(before.map(\.id)).count == before.count)
    let editedIndex = paragraphs.count - 4
    let original = paragraphs[editedIndex]
    paragraphs[editedIndex] = "An edited paragraph near the end."
    let after = chunker.chunk(cleaned(.articles, paragraphs.joined(separator: "\n\n"), id: id))
    // Chunks before the edit keep their ids. The one just before may change too: greedy packing
    // closes a chunk when the next unit (here, the edited one) does not fit.
    let firstTouched = try #require(before.firstIndex { $0.text.contains(original.prefix(40)) })
    #expect(firstTouched > before.count / 2)
    let stable = firstTouched - 1
    #expect(Array(after.prefix(stable).map(\.id)) == Array(before.prefix(stable).map(\.id)))
    #expect(Set(before.map(\.id)) != Set(after.map(\.id)))
  }

  @Test func repositoryChunksCarryTheirFilePath() {
    let files = [
      RepositoryFile(path: "a/big.py", text: (0..<60).map { "print(\($0))  # line" }.joined(separator: "\n")),
      RepositoryFile(path: "b.md", text: "# Title\n\nShort."),
    ]
    let chunks = chunker.chunk(cleaned(.repositories, "", files: files))
    #expect(Set(chunks.compactMap(\.filePath)) == ["a/big.py", "b.md"])
    #expect(chunks.filter { $0.filePath == "a/big.py" }.count > 1)
    for chunk in chunks { #expect(chunk.text.hasPrefix("File: \(chunk.filePath!)\n")) }
  }

  @Test func settingsAreCheckedAgainstTheModelWindow() {
    #expect(throws: TwinError.self) {
      try ChunkingSettings(maxTokens: 400, overlapTokens: 10).validate(category: .articles, modelWindow: 254)
    }
    #expect(throws: TwinError.self) {
      try ChunkingSettings(maxTokens: 100, overlapTokens: 60).validate(category: .posts, modelWindow: 254)
    }
    #expect(throws: Never.self) {
      try ChunkingSettings.defaults(for: .articles).validate(category: .articles, modelWindow: 254)
    }
  }
}
