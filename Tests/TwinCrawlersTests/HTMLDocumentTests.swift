import Foundation
import Testing
import TwinCrawlers

@Suite struct HTMLDocumentTests {
  @Test func decodesLatin1WithTheCharsetFromTheHeader() throws {
    let bytes = latin1Bytes("<html><body><p>Caf\u{E9} cr\u{E8}me, \u{A3}5</p></body></html>")
    let document = try HTMLDocument(
      bytes: bytes, url: "https://example.com/", encoding: "ISO-8859-1")
    #expect(markdownOfBody(document) == "Café crème, £5\n")
  }

  @Test func latin1HeadersDecodeAsWindows1252LikeBrowsers() throws {
    let bytes: [UInt8] =
      Array("<p>".utf8) + [0x93, 0x51, 0x94, 0x20, 0x96, 0x20, 0xE9] + Array("</p>".utf8)
    let document = try HTMLDocument(bytes: bytes, url: nil, encoding: "ISO-8859-1")
    #expect(markdownOfBody(document) == "\u{201C}Q\u{201D} \u{2013} é\n")
  }

  @Test func latin1MislabelledAsUTF8IsDecodedAsLatin1() throws {
    let text = "<html><head><title>Caf\u{E9}</title></head><body><p>Cr\u{E8}me br\u{FB}l\u{E9}e</p></body></html>"
    let header = try HTMLDocument(bytes: latin1Bytes(text), url: "https://example.com/", encoding: "utf-8")
    #expect(markdownOfBody(header) == "Crème brûlée\n")
    let meta = try HTMLDocument(
      bytes: latin1Bytes(text.replacingOccurrences(of: "<head>", with: "<head><meta charset=\"utf-8\">")),
      url: "https://example.com/", encoding: nil)
    #expect(markdownOfBody(meta) == "Crème brûlée\n")
    // Real UTF-8 stays UTF-8.
    let utf8 = try HTMLDocument(bytes: Array("<p>Crème brûlée</p>".utf8), url: nil, encoding: "utf-8")
    #expect(markdownOfBody(utf8) == "Crème brûlée\n")
  }

  @Test func binaryBodiesServedAsHTMLAreRefused() {
    let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0x0D] + (0..<600).map { UInt8($0 % 256) }
    #expect(throws: HTMLError.binaryContent(url: "https://example.com/x")) {
      try HTMLDocument(bytes: png, url: "https://example.com/x", encoding: "utf-8")
    }
    let noise: [UInt8] = (0..<2048).map { UInt8(($0 * 7919) % 251 + 1) }
    #expect(throws: HTMLError.binaryContent(url: nil)) { try HTMLDocument(bytes: noise, url: nil, encoding: nil) }
  }

  @Test func decodesLatin1WithTheCharsetFromMeta() throws {
    let bytes = latin1Bytes(
      "<html><head><meta charset=\"iso-8859-1\"><title>Caf\u{E9}</title></head><body><p>na\u{EF}ve</p></body></html>"
    )
    let document = try HTMLDocument(bytes: bytes, url: "https://example.com/", encoding: nil)
    #expect(ArticleExtractor.metadata(of: document).title == "Café")
    #expect(markdownOfBody(document) == "naïve\n")
  }

  @Test func headerCharsetWinsOverMeta() throws {
    // The header says UTF-8, a stale <meta> says Latin-1: browsers believe the header.
    let bytes = Array(
      "<html><head><meta charset=\"iso-8859-1\"></head><body><p>Café</p></body></html>".utf8)
    let document = try HTMLDocument(bytes: bytes, url: nil, encoding: "utf-8")
    #expect(markdownOfBody(document) == "Café\n")
  }

  @Test func defaultsToUTF8AndIgnoresUnknownHeaderCharsets() throws {
    let bytes = Array("<p>Zürich → Genève</p>".utf8)
    for encoding in [nil, "x-unknown-charset"] {
      let document = try HTMLDocument(bytes: bytes, url: nil, encoding: encoding)
      #expect(markdownOfBody(document) == "Zürich → Genève\n")
    }
  }

  @Test func aUTF8ByteOrderMarkWinsOverALatin1Header() throws {
    let bytes: [UInt8] = [0xEF, 0xBB, 0xBF] + Array("<p>Ωmega</p>".utf8)
    let document = try HTMLDocument(bytes: bytes, url: nil, encoding: "ISO-8859-1")
    #expect(markdownOfBody(document) == "Ωmega\n")
  }

  @Test func recoversFromMessyUnclosedMarkup() throws {
    let html = """
      <html><head><title>Messy</title><body>
      <p>First <b>bold <i>both</b> italic?</i>
      <p>Second paragraph with <a href=/x>an unclosed link
      <ul><li>one<li>two</ul>
      <div><span>tail &amp; &copy; &#x263A; &bogus; 5 < 6
      """
    let markdown = try markdownOfBody(html, url: "https://example.com/")
    #expect(
      markdown == """
        First **bold *both*** italic?

        Second paragraph with [an unclosed link](https://example.com/x)

        - one
        - two

        tail & © ☺ &bogus; 5 < 6

        """)
  }

  @Test func emptyInputIsAnErrorNamingTheURL() {
    #expect(throws: HTMLError.unparseable(url: "https://example.com/empty")) {
      try HTMLDocument(bytes: [], url: "https://example.com/empty", encoding: nil)
    }
    #expect(
      HTMLError.unparseable(url: "https://example.com/empty").description.contains(
        "https://example.com/empty"))
  }

  @Test func deepNestingIsFlattenedNotFatal() throws {
    // Past 200 levels the renderer writes plain text; libxml2 itself stops at 256 levels.
    let nested = String(repeating: "<div><em>", count: 120) + "deep <b>text</b>"
    let flattened = try ArticleExtractor.extract(html: "<p>before</p>" + nested, url: nil)
    #expect(flattened.markdown == "before\n\n*deep text*\n")
    let tooDeep = String(repeating: "<span>", count: 5000) + "lost"
    let truncated = try ArticleExtractor.extract(html: "<p>kept</p>" + tooDeep, url: nil)
    #expect(truncated.markdown == "kept\n")
  }
}
