import Foundation
import Testing

import TwinSampleSite

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

@Suite("Sample site and its loopback server")
struct SampleSiteTests {
  struct Fetched {
    var status: Int
    var contentType: String
    var body: String
  }

  /// A plain GET through Foundation's URLSession (no AsyncHTTPClient in this target).
  static func get(_ url: String) async throws -> Fetched {
    let session = URLSession(configuration: .ephemeral)
    let (data, response) = try await session.data(from: try #require(URL(string: url)))
    let http = try #require(response as? HTTPURLResponse)
    return Fetched(
      status: http.statusCode,
      contentType: http.value(forHTTPHeaderField: "Content-Type") ?? "",
      body: String(decoding: data, as: UTF8.self))
  }

  @Test func manifestDecodesAndEveryLinkIsBundled() throws {
    let manifest = try SampleSite.manifest()
    #expect(manifest.authors.map(\.slug) == ["ada-lovecraft", "ben-okafor", "chloe-martin"])
    let root = SampleSite.directory
    for author in manifest.authors {
      #expect(!author.links.isEmpty)
      #expect(!author.questions.isEmpty && author.questions.count <= 2)
      for link in author.links {
        #expect(link.hasPrefix("/"))
        let file = root.appendingPathComponent(String(link.dropFirst()))
        #expect(FileManager.default.fileExists(atPath: file.path), "missing \(link)")
      }
      // Each expected fact occurs in one of the author's articles.
      let posts = root.appendingPathComponent("authors/\(author.slug)/posts")
      let texts = try FileManager.default.contentsOfDirectory(atPath: posts.path).map {
        try String(contentsOf: posts.appendingPathComponent($0), encoding: .utf8)
      }
      #expect(texts.count == 3)
      for question in author.questions {
        #expect(texts.contains { $0.contains(question.expect) }, "\(question.expect) not in \(author.slug)'s articles")
      }
    }
  }

  @Test func pathResolutionRefusesTraversal() {
    #expect(SampleSite.relativePath(forURLPath: "/") == "")
    #expect(SampleSite.relativePath(forURLPath: "/authors/ben-okafor/") == "authors/ben-okafor")
    #expect(SampleSite.relativePath(forURLPath: "/../Package.swift") == nil)
    #expect(SampleSite.relativePath(forURLPath: "/authors/%2e%2e/%2E%2E/site.json") == nil)
    #expect(SampleSite.relativePath(forURLPath: "/images/..%2f..%2fsite.json") == nil)
    #expect(SampleSite.relativePath(forURLPath: "/a\\b") == nil)
  }

  @Test func startFailsCleanlyWhenThePortIsTaken() async throws {
    let first = try await SampleSiteServer.start()
    let port = try #require(Int(first.baseURL.split(separator: ":").last ?? ""))
    await #expect(throws: (any Error).self) {
      let second = try await SampleSiteServer.start(port: port)
      await second.stop()
    }
    await first.stop()
  }

  @Test func servesTheSiteOnLoopback() async throws {
    let server = try await SampleSiteServer.start()
    do {
      let base = server.baseURL
      #expect(base.hasPrefix("http://127.0.0.1:"))
      #expect(!base.hasSuffix(":0"))

      let robots = try await Self.get(base + "/robots.txt")
      #expect(robots.status == 200)
      #expect(robots.contentType.hasPrefix("text/plain"))
      #expect(robots.body.contains("Disallow: /private/"))

      let article = try await Self.get(base + "/authors/ben-okafor/posts/chunking-is-a-retrieval-decision.html")
      #expect(article.status == 200)
      #expect(article.contentType == "text/html; charset=utf-8")
      #expect(article.body.contains("256 tokens with a 32-token overlap"))

      // A directory, with or without its trailing slash, serves its index.html.
      let index = try await Self.get(base + "/authors/ada-lovecraft")
      #expect(index.status == 200)
      #expect(index.body.contains("posts/polite-crawlers-finish-first.html"))

      let rss = try await Self.get(base + "/authors/ada-lovecraft/feed.xml")
      #expect(rss.status == 200)
      #expect(rss.contentType.hasPrefix("application/rss+xml"))
      #expect(!rss.body.contains("{{BASE_URL}}"))
      #expect(rss.body.contains("<link>\(base)/authors/ada-lovecraft/posts/polite-crawlers-finish-first.html</link>"))

      let atom = try await Self.get(base + "/authors/ben-okafor/atom.xml")
      #expect(atom.contentType.hasPrefix("application/atom+xml"))
      #expect(atom.body.contains("href=\"\(base)/authors/ben-okafor/posts/"))
      #expect(atom.body.contains("<content type=\"html\">&lt;p&gt;"))

      let sitemap = try await Self.get(base + "/sitemap.xml")
      #expect(sitemap.contentType.hasPrefix("application/xml"))
      #expect(sitemap.body.contains("<loc>\(base)/authors/chloe-martin/posts/lora-on-a-budget.html</loc>"))

      let missing = try await Self.get(base + "/no/such/page.html")
      #expect(missing.status == 404)

      // URLSession (curl) squashes literal "/../", so send the dots percent-encoded.
      let traversal = try await Self.get(base + "/authors/%2e%2e/%2e%2e/%2e%2e/Package.swift")
      #expect(traversal.status == 400)
      #expect(!traversal.body.contains("PackageDescription"))
    } catch {
      await server.stop()
      throw error
    }
    await server.stop()

    // Once stopped, the port no longer answers.
    await #expect(throws: (any Error).self) {
      _ = try await Self.get(server.baseURL + "/robots.txt")
    }
  }
}
