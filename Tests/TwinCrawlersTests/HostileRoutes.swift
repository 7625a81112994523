import Foundation
import Hummingbird
import NIOCore

/// The hostile part of the fixture site, under `/hostile/`: what a malicious or broken server
/// sends to a crawler. Each route pins a failure a security pass found (see HostileCrawlTests).
extension LoopbackFixtureServer {
  static func addHostileRoutes(to router: Router<BasicRequestContext>) {
    // Feeds and sitemaps that point at the crawling machine's own files. `target` is the path
    // of a local git repository the test made.
    router.get("hostile/file-feed.xml") { request, _ in
      let target = request.uri.queryParameters["target"].map(String.init) ?? "/"
      let base = authority(request)
      return bytes(
        Array(
          """
          <?xml version="1.0"?>
          <rss version="2.0"><channel><title>Innocent</title>
            <item><title>Local</title><link>file://\(target)</link></item>
            <item><title>Localhost</title><link>file://localhost\(target)</link></item>
            <item><title>Fine</title><link>\(base)/posts/fine</link></item>
          </channel></rss>
          """.utf8), contentType: "application/rss+xml")
    }
    router.get("hostile/file-atom.xml") { request, _ in
      let target = request.uri.queryParameters["target"].map(String.init) ?? "/"
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="utf-8"?>
          <feed xmlns="http://www.w3.org/2005/Atom"><title>Innocent</title>
            <entry><title>Local</title><id>urn:x</id><link href="file://\(target)"/></entry>
          </feed>
          """.utf8), contentType: "application/atom+xml")
    }
    router.get("hostile/file-sitemap.xml") { request, _ in
      let target = request.uri.queryParameters["target"].map(String.init) ?? "/"
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>file://\(target)</loc></url>
          </urlset>
          """.utf8), contentType: "application/xml")
    }

    // A page that never ends: one byte every 200 ms for a minute. Each byte resets a read
    // timeout, so only a wall-clock deadline stops it.
    router.get("hostile/drip") { _, _ in
      Response(
        status: .ok, headers: [.contentType: "text/html"],
        body: ResponseBody { writer in
          try await writer.write(ByteBuffer(string: "<html><body><p>"))
          for _ in 0..<300 {
            try await Task.sleep(for: .milliseconds(200))
            try await writer.write(ByteBuffer(string: "a"))
          }
          try await writer.finish(nil)
        })
    }

    // Listings with nothing to crawl.
    router.get("hostile/empty-feed.xml") { _, _ in
      bytes(
        Array(#"<?xml version="1.0"?><rss version="2.0"><channel><title>Quiet</title></channel></rss>"#.utf8),
        contentType: "application/rss+xml")
    }
    router.get("hostile/malformed.rss") { _, _ in
      bytes(
        Array(#"<?xml version="1.0"?><rss version="2.0"><channel><item><title>Cut off</item></rss"#.utf8),
        contentType: "application/rss+xml")
    }
    router.get("hostile/entity-bomb.xml") { _, _ in
      bytes(
        Array(
          """
          <?xml version="1.0"?>
          <!DOCTYPE rss [
            <!ENTITY a "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa">
            <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
            <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
            <!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">
            <!ENTITY e "&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;">
          ]>
          <rss version="2.0"><channel><title>&e;</title><item><title>&e;</title><link>&e;</link></item></channel></rss>
          """.utf8), contentType: "application/rss+xml")
    }
    router.get("hostile/self-index.xml") { request, _ in
      let base = authority(request)
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <sitemap><loc>\(base)/hostile/self-index.xml</loc></sitemap>
          </sitemapindex>
          """.utf8), contentType: "application/xml")
    }
    // A sitemap of five good pages and the drip.
    router.get("hostile/mixed-sitemap.xml") { request, _ in
      let base = authority(request)
      let good = (1...5).map { "<url><loc>\(base)/posts/good-\($0)</loc></url>" }.joined()
      return bytes(
        Array(
          """
          <?xml version="1.0" encoding="UTF-8"?>
          <urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>\(base)/hostile/drip</loc></url>\(good)
          </urlset>
          """.utf8), contentType: "application/xml")
    }
  }
}
