import Foundation
import Testing
import TwinCrawlers

@Suite struct FeedParserTests {
  @Test func rss2PrefersContentEncodedAndParsesRFC822Dates() throws {
    let xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
           xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
        <channel>
          <title>Paul's  blog</title>
          <atom:link href="https://blog.example.com/feed" rel="self"/>
          <item>
            <title>First &amp; best</title>
            <link>https://blog.example.com/first</link>
            <description>Short summary</description>
            <content:encoded><![CDATA[<p>Full <b>HTML</b> body</p>]]></content:encoded>
            <pubDate>Tue, 10 Jun 2003 04:00:00 GMT</pubDate>
          </item>
          <item>
            <title>Second</title>
            <guid isPermaLink="true">https://blog.example.com/second</guid>
            <description>&lt;p&gt;Only a description&lt;/p&gt;</description>
            <dc:date>2024-02-29T23:30:00+01:00</dc:date>
          </item>
          <item><title>No link at all</title><guid isPermaLink="false">tag:1</guid></item>
        </channel>
      </rss>
      """
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://blog.example.com/feed")
    #expect(feed.title == "Paul's blog")
    #expect(
      feed.entries == [
        FeedEntry(
          link: "https://blog.example.com/first", title: "First & best",
          contentHTML: "<p>Full <b>HTML</b> body</p>", summary: "Short summary",
          published: Date(timeIntervalSince1970: 1_055_217_600)),
        FeedEntry(
          link: "https://blog.example.com/second", title: "Second",
          contentHTML: "<p>Only a description</p>", summary: "<p>Only a description</p>",
          published: Date(timeIntervalSince1970: 1_709_245_800)),
      ])
  }

  @Test func rssRelativeLinksResolveAgainstTheFeedURL() throws {
    let xml = """
      <rss version="2.0"><channel><title>Rel</title>
        <item><title>A</title><link> /posts/a.html </link></item>
        <item><title>B</title><link>b.html</link></item>
      </channel></rss>
      """
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://example.com/blog/feed.xml")
    #expect(
      feed.entries.map(\.link) == [
        "https://example.com/posts/a.html", "https://example.com/blog/b.html",
      ])
  }

  @Test func rss1RDF() throws {
    let xml = """
      <rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
               xmlns:dc="http://purl.org/dc/elements/1.1/">
        <channel rdf:about="https://example.org/"><title>RDF feed</title></channel>
        <item rdf:about="https://example.org/one"><title>One</title><link>https://example.org/one</link>
          <description>First</description><dc:date>2020-01-02</dc:date></item>
      </rdf:RDF>
      """
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://example.org/index.rdf")
    #expect(
      feed
        == Feed(
          title: "RDF feed",
          entries: [
            FeedEntry(
              link: "https://example.org/one", title: "One", contentHTML: "First", summary: "First",
              published: Date(timeIntervalSince1970: 1_577_923_200))
          ]))
  }

  @Test func atomContentTypesLinksAndDates() throws {
    let xml = """
      <?xml version="1.0" encoding="utf-8"?>
      <feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://atom.example.com/blog/">
        <title type="html">Atom &lt;i&gt;feed&lt;/i&gt;</title>
        <entry>
          <title>HTML entry</title>
          <link rel="alternate" type="application/pdf" href="entry.pdf"/>
          <link rel="alternate" type="text/html" href="entries/1"/>
          <link rel="edit" href="https://atom.example.com/api/1"/>
          <id>urn:uuid:1</id>
          <published>2003-12-13T18:30:02.25Z</published>
          <updated>2005-01-01T00:00:00Z</updated>
          <summary>Plain &amp; short</summary>
          <content type="html">&lt;p&gt;Escaped &lt;em&gt;HTML&lt;/em&gt;&lt;/p&gt;</content>
        </entry>
        <entry>
          <title type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">XHTML <b>entry</b></div></title>
          <link href="/other/2"/>
          <updated>2005-07-31T12:29:29-07:00</updated>
          <content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml"><p>Inline <b>XHTML</b></p></div></content>
        </entry>
        <entry>
          <title>Text entry</title>
          <id>https://atom.example.com/ids/3</id>
          <content>1 &lt; 2</content>
        </entry>
      </feed>
      """
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://atom.example.com/feed.atom")
    #expect(feed.title == "Atom feed")
    #expect(
      feed.entries == [
        FeedEntry(
          link: "https://atom.example.com/blog/entries/1", title: "HTML entry",
          contentHTML: "<p>Escaped <em>HTML</em></p>", summary: "Plain &amp; short",
          published: Date(timeIntervalSince1970: 1_071_340_202.25)),
        FeedEntry(
          link: "https://atom.example.com/other/2", title: "XHTML entry",
          contentHTML: "<p>Inline <b>XHTML</b></p>", summary: nil,
          published: Date(timeIntervalSince1970: 1_122_838_169)),
        FeedEntry(
          link: "https://atom.example.com/ids/3", title: "Text entry", contentHTML: "1 &lt; 2",
          summary: nil, published: nil),
      ])
  }

  @Test func nonFeedsRaiseAnErrorNamingTheURL() {
    let html = Array("<html><head><title>Home</title></head><body><p>Hi</p></body></html>".utf8)
    #expect(throws: FeedError.notAFeed(url: "https://example.com/", root: "html")) {
      try FeedParser.parse(html, url: "https://example.com/")
    }
    #expect(
      FeedError.notAFeed(url: "https://example.com/", root: "html").description
        == "https://example.com/ is not an RSS or Atom feed (its root element is <html>)")
    #expect(throws: FeedError.unparseable(url: "https://example.com/empty")) {
      try FeedParser.parse([], url: "https://example.com/empty")
    }
    #expect(throws: FeedError.unparseable(url: "https://example.com/bin")) {
      try FeedParser.parse([0x00, 0xFF, 0x13, 0x37], url: "https://example.com/bin")
    }
  }

  @Test func externalEntitiesAreNeverExpanded() throws {
    let secret = FileManager.default.temporaryDirectory.appendingPathComponent(
      "twin-xxe-\(UUID()).txt")
    try "TOP-SECRET".write(to: secret, atomically: true, encoding: .utf8)
    defer { try? FileManager.default.removeItem(at: secret) }
    let xml = """
      <?xml version="1.0"?>
      <!DOCTYPE rss [
        <!ENTITY xxe SYSTEM "\(secret.absoluteString)">
        <!ENTITY internal "inline text">
      ]>
      <rss version="2.0"><channel><title>Feed &xxe;</title>
        <item><title>Item &xxe; &internal;</title><link>https://example.com/a</link>
          <description>before &xxe; after</description></item>
      </channel></rss>
      """
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://example.com/feed")
    #expect(feed.title == "Feed")
    #expect(feed.entries.first?.title == "Item inline text")
    #expect(feed.entries.first?.contentHTML == "before  after")
  }

  @Test func datesInBothFormatsWhereverTheyAppear() throws {
    let cases: [(String, TimeInterval?)] = [
      ("Mon, 02 Jan 2006 15:04:05 -0700", 1_136_239_445),
      ("2 Jan 2006 15:04 EST", 1_136_232_240),
      ("Mon, 02 Jan 06 15:04:05 +0000", 1_136_214_245),
      ("2006-01-02T15:04:05Z", 1_136_214_245),
      ("2006-01-02 15:04:05+01:00", 1_136_210_645),
      ("2006-01-02t15:04:05.5-0700", 1_136_239_445.5),
      ("not a date", nil),
      ("2006-13-02T00:00:00Z", nil),
    ]
    let items = cases.enumerated().map { index, date in
      "<item><link>https://example.com/\(index)</link><pubDate>\(date.0)</pubDate></item>"
    }
    let xml = "<rss><channel>" + items.joined() + "</channel></rss>"
    let feed = try FeedParser.parse(Array(xml.utf8), url: "https://example.com/feed")
    #expect(feed.entries.map(\.published?.timeIntervalSince1970) == cases.map(\.1))
  }
}
