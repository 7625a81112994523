import Foundation

/// The bundled sample site: three fictional authors writing about ML/LLM engineering,
/// with RSS, Atom and sitemap discovery files. `twin quickstart` and the tests crawl it
/// through ``SampleSiteServer`` so that nothing needs the network.
public struct SampleSite: Sendable {
  /// The site's root folder inside the module bundle (the `Site` resource).
  public static var directory: URL {
    guard let url = Bundle.module.url(forResource: "Site", withExtension: nil) else {
      fatalError("TwinSampleSite: the bundled 'Site' resource is missing")
    }
    return url
  }

  /// The server's path-safety rule: `"/authors/x/"` → `"authors/x"`, or nil (refused) when any
  /// percent-decoded segment is `..` or `.`, or the path holds a backslash or NUL.
  public static func relativePath(forURLPath path: String) -> String? {
    SiteFiles.relativePath(forURLPath: path)
  }

  /// The decoded `site.json`: who the authors are, what to crawl for each, and sample questions.
  /// The sample corpus's retrieval evaluation set: JSON Lines of `{"question", "relevant"}`,
  /// where `relevant` is the path of the article that answers the question.
  public static var retrievalEvaluationSet: URL {
    directory.appendingPathComponent("eval/retrieval.jsonl")
  }

  /// The sample corpus's RAG evaluation set: JSON Lines of `{"question", "expected_links"}`,
  /// one question per article, for `twin evaluate rag`.
  public static var ragEvaluationSet: URL {
    directory.appendingPathComponent("eval/rag.jsonl")
  }

  /// Author-naming questions for self-query's author filter: JSON Lines of `{"question",
  /// "known", "authors"}`, in several phrasings and with the known authors in several orders,
  /// for `twin evaluate authors`.
  public static var authorEvaluationSet: URL {
    directory.appendingPathComponent("eval/authors.jsonl")
  }

  public static func manifest() throws -> SampleSiteManifest {
    let data = try Data(contentsOf: directory.appendingPathComponent("site.json"))
    return try JSONDecoder().decode(SampleSiteManifest.self, from: data)
  }
}

/// `site.json`: for each author, the paths (relative to the base URL) the quickstart crawls,
/// and questions whose answers must contain `expect`.
public struct SampleSiteManifest: Sendable, Codable {
  public struct Author: Sendable, Codable {
    public var name: String
    public var slug: String
    /// Paths relative to the server's base URL, e.g. `/authors/ada-lovecraft/feed.xml`.
    public var links: [String]
    public var questions: [Question]

    public init(name: String, slug: String, links: [String], questions: [Question]) {
      self.name = name
      self.slug = slug
      self.links = links
      self.questions = questions
    }
  }

  public struct Question: Sendable, Codable {
    public var question: String
    /// A key fact the answer is expected to contain.
    public var expect: String

    public init(question: String, expect: String) {
      self.question = question
      self.expect = expect
    }
  }

  public var authors: [Author]

  public init(authors: [Author]) { self.authors = authors }
}
