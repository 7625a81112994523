import Testing
import TwinCrawlers

@Suite struct FeedKindTests {
  @Test func sniffsTheRootElement() {
    let cases: [(String, String?, XMLKind)] = [
      (
        "<?xml version=\"1.0\"?>\n<!-- generator --><rss version=\"2.0\"><channel/></rss>", nil,
        .rss
      ),
      ("<rdf:RDF xmlns:rdf=\"x\"><channel/></rdf:RDF>", nil, .rss),
      ("\u{FEFF}<?xml version=\"1.0\"?><feed xmlns=\"http://www.w3.org/2005/Atom\"/>", nil, .atom),
      (
        "<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"></urlset>", "text/html",
        .sitemap
      ),
      ("<sitemapindex><sitemap/></sitemapindex>", nil, .sitemapIndex),
      ("<!DOCTYPE html>\n<html lang=en><p>x", nil, .html),
      ("<!doctype html><meta charset=utf-8><title>x</title>", nil, .html),
      ("<!DOCTYPE rss [<!ENTITY a \"<b>\">]><rss/>", nil, .rss),
      ("<div>fragment</div>", nil, .html),
      ("plain text", "text/plain", .unknown),
      ("{\"json\": true}", "application/rss+xml", .rss),
      ("", "application/atom+xml; charset=utf-8", .atom),
      ("<unknown/>", nil, .unknown),
    ]
    for (text, mime, expected) in cases {
      #expect(XMLKind.sniff(Array(text.utf8), mimeType: mime) == expected, "\(text)")
    }
  }
}
