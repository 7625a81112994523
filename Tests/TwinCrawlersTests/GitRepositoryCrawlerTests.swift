import Foundation
import Testing
import TwinCore
import TwinCrawlers

@Suite struct GitRepositoryCrawlerTests {
  let author = User(firstName: "Ada", lastName: "Lovelace")

  @Test func keepsCommittedTextExactlyAndSkipsTheRest() async throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let root = try GitTestRepository.make(in: temp)

    let crawl = try await GitRepositoryCrawler().crawl(root.path, author: author)

    let document = crawl.document
    #expect(document.category == .repositories)
    #expect(document.name == "demo-repo")
    #expect(document.platform == "git")
    #expect(document.link == "file://" + root.path)
    #expect(document.authorID == author.id)
    #expect(document.authorFullName == "Ada Lovelace")
    #expect(
      document.content == [
        "README.md": GitTestRepository.readme,
        "src/main.py": GitTestRepository.python,
        "src/windows.txt": GitTestRepository.windows,
      ])
    #expect(
      crawl.skipped == [
        RepositorySkippedPath(path: ".git/", reason: .ignoredDirectory),
        RepositorySkippedPath(path: "Package.resolved", reason: .lockFile),
        RepositorySkippedPath(path: "assets/logo.png", reason: .binary),
        RepositorySkippedPath(path: "big.txt", reason: .tooLarge(bytes: 300 * 1024)),
        RepositorySkippedPath(path: "build/", reason: .ignoredDirectory),
        RepositorySkippedPath(path: "go.sum", reason: .lockFile),
        RepositorySkippedPath(path: "latin1.txt", reason: .notUTF8),
        RepositorySkippedPath(path: "link-to-readme", reason: .symbolicLink),
        RepositorySkippedPath(path: "node_modules/", reason: .ignoredDirectory),
        RepositorySkippedPath(path: "vendor/", reason: .ignoredDirectory),
        RepositorySkippedPath(path: "yarn.lock", reason: .lockFile),
      ])
  }

  @Test func fileURLsAndNamesEndingInGit() async throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let root = try GitTestRepository.make(in: temp, name: "tool.git")

    let crawl = try await GitRepositoryCrawler().crawl("file://" + root.path, author: author)
    #expect(crawl.document.name == "tool")
    #expect(crawl.document.link == "file://" + root.path)
    #expect(crawl.document.content.count == 3)
  }

  @Test func limitsCapFilesAndBytes() async throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let root = try GitTestRepository.make(in: temp)

    let oneFile = try await GitRepositoryCrawler(maxFiles: 1).crawl(root.path, author: author)
    #expect(oneFile.document.content == ["README.md": GitTestRepository.readme])
    #expect(
      oneFile.skipped.contains(
        RepositorySkippedPath(path: "src/main.py", reason: .fileLimitReached)))

    let small = try await GitRepositoryCrawler(maxFileBytes: 20).crawl(root.path, author: author)
    #expect(small.document.content == ["src/windows.txt": GitTestRepository.windows])
    #expect(
      small.skipped.contains(
        RepositorySkippedPath(
          path: "README.md", reason: .tooLarge(bytes: GitTestRepository.readme.utf8.count))))

    let budget = GitTestRepository.readme.utf8.count + GitTestRepository.windows.utf8.count
    let capped = try await GitRepositoryCrawler(maxTotalBytes: budget).crawl(
      root.path, author: author)
    #expect(capped.document.content.keys.sorted() == ["README.md", "src/windows.txt"])
    #expect(
      capped.skipped.contains(
        RepositorySkippedPath(path: "src/main.py", reason: .totalSizeLimitReached)))
  }

  @Test func missingDirectoriesAndNonRepositoriesFailClearly() async throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let missing = temp.url.appendingPathComponent("nope").path
    await #expect(
      throws: GitCrawlError.invalidLink(missing, reason: "no such directory \(missing)")
    ) {
      try await GitRepositoryCrawler().crawl(missing, author: author)
    }

    let plain = try temp.subdirectory("plain")
    do {
      _ = try await GitRepositoryCrawler().crawl(plain.url.path, author: author)
      Issue.record("cloning a folder that is no repository should fail")
    } catch let GitCrawlError.cloneFailed(link, status, stderr) {
      #expect(link == "file://" + plain.url.path)
      #expect(status == "exited(128)")
      #expect(stderr.contains("does not appear to be a git repository"))
    }
  }

  @Test func remoteFailuresNeverShowCredentials() async throws {
    // Port 9 (discard) on loopback refuses connections at once.
    let crawler = GitRepositoryCrawler(allowPrivateNetwork: true)
    do {
      _ = try await crawler.crawl("http://alice:s3cret@127.0.0.1:9/alice/repo.git", author: author)
      Issue.record("cloning from a closed port should fail")
    } catch let error as GitCrawlError {
      guard case .cloneFailed(let link, _, _) = error else {
        Issue.record("unexpected error: \(error)")
        return
      }
      #expect(link == "http://127.0.0.1:9/alice/repo.git")
      #expect(!error.description.contains("s3cret"))
      #expect(!error.description.contains("alice:"))
    }
  }

  @Test func privateHostsAreRefusedByDefault() async throws {
    await #expect(
      throws: FetchError.privateAddressBlocked(
        url: "https://127.0.0.1/owner/repo.git", address: "127.0.0.1", range: .loopback)
    ) {
      try await GitRepositoryCrawler().crawl("https://127.0.0.1/owner/repo.git", author: author)
    }
  }

  @Test func unsupportedSchemesAreRefused() async throws {
    await #expect(
      throws: GitCrawlError.invalidLink(
        "ftp://example.com/repo.git", reason: "unsupported scheme \"ftp\"")
    ) {
      try await GitRepositoryCrawler().crawl("ftp://example.com/repo.git", author: author)
    }
  }

  @Test func slowClonesTimeOut() async throws {
    try await LoopbackFixtureServer.with { base, _ in
      let crawler = GitRepositoryCrawler(timeout: .milliseconds(400), allowPrivateNetwork: true)
      // The server answers after 60 s with a page git cannot use, which would fail the clone
      // another way: this error is the clone timeout's alone. (No clock is read: on a loaded
      // two-core host the suite's start once delayed this test's tasks by 100 s.)
      await #expect(
        throws: GitCrawlError.timeout(link: base + "/hang.git", after: .milliseconds(400))
      ) {
        try await crawler.crawl(base + "/hang.git", author: author)
      }
    }
  }
}
