import Foundation
import Testing
import TwinCore
import TwinDatasets

@Suite struct ExtractCutterTests {
  /// A paragraph of `sentences` sentences of about 60 characters each.
  func paragraph(_ n: Int, sentences: Int) -> String {
    (0..<sentences).map { "Paragraph \(n) sentence \($0) talks about retrieval and its costs." }.joined(separator: " ")
  }

  @Test func extractsStayWithinTheSizesAndEndOnParagraphs() throws {
    let text = (0..<12).map { paragraph($0, sentences: 5) }.joined(separator: "\n\n")
    let cutter = try ExtractCutter(minCharacters: 600, maxCharacters: 1_000)
    let extracts = cutter.cut(text)
    #expect(extracts.count >= 3)
    for extract in extracts {
      #expect((600...1_000).contains(extract.count), "\(extract.count) characters")
      #expect(extract.hasPrefix("Paragraph "))
      #expect(extract.hasSuffix("costs."))
    }
    // Nothing is invented: every extract is a run of the document's paragraphs.
    for extract in extracts { #expect(text.contains(extract)) }
  }

  @Test func aLongParagraphIsCutOnSentences() throws {
    let text = paragraph(0, sentences: 40)
    let extracts = try ExtractCutter(minCharacters: 500, maxCharacters: 800).cut(text)
    #expect(extracts.count >= 2)
    for extract in extracts {
      #expect(extract.count <= 800)
      #expect(extract.hasSuffix("costs."), "cut mid-sentence: …\(extract.suffix(30))")
    }
  }

  @Test func shortDocumentsAreOneExtractAboveTheFloor() throws {
    let cutter = try ExtractCutter(minCharacters: 1_000, maxCharacters: 2_000)
    let post = String(repeating: "A short post about embeddings. ", count: 10)
    #expect(cutter.cut(post) == [post.trimmingCharacters(in: .whitespaces)])
    #expect(cutter.cut("Too short.").isEmpty)
  }

  @Test func badSizesAreRefusedWithTheirValues() {
    #expect(throws: TwinError.invalidInput("the extract minimum (3000 characters) is above the maximum (2000)")) {
      try ExtractCutter(minCharacters: 3_000, maxCharacters: 2_000)
    }
    #expect(throws: TwinError.self) { try ExtractCutter(minCharacters: 10, maxCharacters: 2_000) }
  }

  @Test func extractIDsAreStableAndDistinct() throws {
    let document = CleanedDocument(
      id: UUID(), category: .articles, title: "T", content: (0..<8).map { paragraph($0, sentences: 5) }.joined(separator: "\n\n"),
      platform: "blog", authorID: UUID(), authorFullName: "Ada", link: nil, sourceHash: "h")
    let cutter = try ExtractCutter(minCharacters: 500, maxCharacters: 900)
    let first = cutter.extracts(of: document)
    #expect(first.map(\.id) == cutter.extracts(of: document).map(\.id))
    #expect(Set(first.map(\.id)).count == first.count)
  }
}
