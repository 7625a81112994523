import Testing
import TwinCrawlers

@Suite struct HTMLMetadataTests {
  @Test func openGraphWinsOverTitleAndMeta() throws {
    let html = """
      <html lang="en-gb"><head>
        <title>Page title</title>
        <meta property="og:title" content=" OG   title ">
        <meta name="description" content="Plain description">
        <meta property="og:description" content="OG description">
        <meta property="og:locale" content="fr_FR">
        <link rel="alternate stylesheet" href="/alt.css">
        <link rel="Canonical" href="/posts/canonical/">
      </head><body><h1>Heading</h1></body></html>
      """
    let document = try HTMLDocument(html: html, url: "https://example.com/posts/x?utm=1")
    #expect(
      ArticleExtractor.metadata(of: document)
        == PageMetadata(
          title: "OG title", description: "OG description", language: "en-GB",
          canonicalURL: "https://example.com/posts/canonical/"))
  }

  @Test func fallsBackToTitleThenFirstContentHeading() throws {
    let titled = try HTMLDocument(
      html:
        "<title>\n  The  title\n</title><meta name=description content='Meta description'><h1>H</h1>",
      url: nil)
    #expect(
      ArticleExtractor.metadata(of: titled)
        == PageMetadata(title: "The title", description: "Meta description"))

    // The logo's <h1> in the site header is not the page's heading.
    let untitled = try HTMLDocument(
      html:
        "<header><h1>Site</h1></header><svg><title>icon</title></svg><article><h1>Post  heading</h1></article>",
      url: nil)
    #expect(ArticleExtractor.metadata(of: untitled).title == "Post heading")
  }

  @Test func languageFallsBackToLocaleThenContentLanguage() throws {
    let locale = try HTMLDocument(
      html: "<head><meta property='og:locale' content='pt_br'></head>", url: nil)
    #expect(ArticleExtractor.metadata(of: locale).language == "pt-BR")
    let header = try HTMLDocument(
      html: "<head><meta http-equiv='Content-Language' content='de, en'></head>", url: nil)
    #expect(ArticleExtractor.metadata(of: header).language == "de")
    let none = try HTMLDocument(html: "<p>x</p>", url: nil)
    #expect(ArticleExtractor.metadata(of: none).language == nil)
  }

  @Test func articleTitleIsNotRepeatedAsTheFirstHeading() throws {
    let html = """
      <head><meta property="og:title" content="My Post"></head>
      <article><h1>My  post</h1><p class="pw-subtitle-paragraph">A subtitle</p><p>Body.</p><h2>My Post</h2></article>
      """
    let article = try ArticleExtractor.extract(html: html, url: nil)
    #expect(
      article
        == ExtractedArticle(
          title: "My Post", subtitle: "A subtitle", language: nil,
          markdown: "A subtitle\n\nBody.\n\n## My Post\n"))
  }

  @Test func subtitleFallsBackToTheDescription() throws {
    let html =
      "<head><title>T</title><meta name='description' content='About this'></head><p>Text</p>"
    let article = try ArticleExtractor.extract(html: html, url: nil)
    #expect(
      article
        == ExtractedArticle(title: "T", subtitle: "About this", language: nil, markdown: "Text\n"))
  }
}
