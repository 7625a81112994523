import Testing
import TwinCrawlers

@Suite struct FeedSitemapTests {
  @Test func urlSet() throws {
    let xml = """
      <?xml version="1.0" encoding="UTF-8"?>
      <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <url><loc>https://example.com/</loc><lastmod>2024-01-01</lastmod></url>
        <url><loc>
          https://example.com/posts/a?x=1&amp;y=2
        </loc></url>
        <url><lastmod>2024-01-01</lastmod></url>
      </urlset>
      """
    #expect(
      try SitemapParser.parse(Array(xml.utf8), url: "https://example.com/sitemap.xml")
        == .urls(["https://example.com/", "https://example.com/posts/a?x=1&y=2"]))
  }

  @Test func sitemapIndex() throws {
    let xml = """
      <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
        <sitemap><loc>https://example.com/sitemap-posts.xml</loc></sitemap>
        <sitemap><loc>/sitemap-pages.xml</loc></sitemap>
      </sitemapindex>
      """
    #expect(
      try SitemapParser.parse(Array(xml.utf8), url: "https://example.com/sitemap.xml")
        == .index([
          "https://example.com/sitemap-posts.xml", "https://example.com/sitemap-pages.xml",
        ]))
  }

  @Test func aFeedIsNotASitemap() {
    let rss = Array("<rss><channel/></rss>".utf8)
    #expect(throws: FeedError.notASitemap(url: "https://example.com/s.xml", root: "rss")) {
      try SitemapParser.parse(rss, url: "https://example.com/s.xml")
    }
  }
}
