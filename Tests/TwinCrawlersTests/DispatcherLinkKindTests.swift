import Foundation
import Testing
import TwinCrawlers

@Suite struct DispatcherLinkKindTests {
  @Test(arguments: [
    ("https://github.com/owner/repo", LinkKind.gitRepository),
    ("https://github.com/owner/repo/", .gitRepository),
    ("https://www.github.com/owner/repo", .gitRepository),
    ("https://gitlab.com/group/project.git", .gitRepository),
    ("https://bitbucket.org/team/repo", .gitRepository),
    ("https://git.example.com/x/y.git", .gitRepository),
    ("git@github.com:owner/repo.git", .gitRepository),
    ("ssh://git@example.com/repo", .gitRepository),
    ("git://example.com/repo", .gitRepository),
    ("file:///srv/repositories/tool", .localRepository),
    ("https://github.com/owner", .article),
    ("https://github.com/owner/repo/blob/main/README.md", .article),
    ("https://medium.com/@paul", .mediumProfile(feed: "https://medium.com/feed/@paul")),
    ("https://www.medium.com/@paul/", .mediumProfile(feed: "https://medium.com/feed/@paul")),
    ("https://paul.medium.com", .mediumProfile(feed: "https://paul.medium.com/feed")),
    ("https://medium.com/@paul/a-post-0123456789ab", .article),
    ("https://decodingml.substack.com", .substack(feed: "https://decodingml.substack.com/feed")),
    ("https://decodingml.substack.com/", .substack(feed: "https://decodingml.substack.com/feed")),
    ("https://decodingml.substack.com/p/a-post", .article),
    ("https://example.com/feed", .feed),
    ("https://example.com/blog/rss", .feed),
    ("https://example.com/index.atom", .feed),
    ("https://example.com/rss.xml", .feed),
    ("https://example.com/sitemap.xml", .sitemap),
    ("https://example.com/sitemap_index.xml", .sitemap),
    ("https://example.com/blog/a-post", .article),
    ("no link at all", .article),
  ])
  func classifiesByShape(link: String, kind: LinkKind) {
    #expect(LinkKind.classify(link) == kind)
  }

  @Test func existingFoldersAreLocalRepositories() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    #expect(LinkKind.classify(temp.url.path) == .localRepository)
    #expect(LinkKind.classify(temp.url.appendingPathComponent("missing").path) == .article)
  }
}
