import Testing
import TwinCrawlers

@Suite struct HTMLBoilerplateTests {
  static let blogPage = """
    <!doctype html>
    <html lang="en"><head><title>Vector search in practice | Blog</title>
    <script>window.analytics = {};</script><style>body { color: red }</style></head>
    <body>
      <header class="site-header"><a href="/">Blog</a><nav><a href="/tags">Tags</a></nav></header>
      <div class="cookie-banner">We use cookies. <button>Accept</button></div>
      <div class="layout">
        <aside class="sidebar"><h3>Popular</h3><ul><li><a href="/p/1">Other post</a></li></ul></aside>
        <article class="post post-header-visible">
          <h1>Vector search in practice | Blog</h1>
          <div class="post-header">Written on 3 May</div>
          <p>Embeddings turn text into vectors.</p>
          <div class="share-buttons"><a href="https://twitter.com/share">Share</a></div>
          <p>Nearest neighbours find similar passages.</p>
          <section id="comments" class="comments-area"><h2>3 comments</h2><p>Great post!</p></section>
          <div class="related-posts"><article><h2>Related</h2><p>Something else entirely, much longer than the post itself, to tempt a naive scorer into picking it.</p></article></div>
        </article>
      </div>
      <form><input name="q"></form>
      <div id="disqus_thread"><p>Disqus comment</p></div>
      <footer><p>© 2024 Blog</p></footer>
      <noscript>Enable JavaScript</noscript>
    </body></html>
    """

  @Test func keepsTheArticleAndDropsFurniture() throws {
    let article = try ArticleExtractor.extract(
      html: Self.blogPage, url: "https://blog.example.com/vectors")
    #expect(
      article.markdown == """
        Written on 3 May

        Embeddings turn text into vectors.

        Nearest neighbours find similar passages.

        """)
    #expect(article.title == "Vector search in practice | Blog")
    #expect(article.language == "en")
  }

  @Test func classAndIDWordsAreMatchedWholeNotAsSubstrings() throws {
    let html = """
      <main>
        <div class="commentary"><p>Commentary is content.</p></div>
        <div class="header"><p>Site header div</p></div>
        <div class="entry-header"><p>Entry header is content.</p></div>
        <div id="sidebar-left"><p>Sidebar</p></div>
        <p class="ad-slot">Advert</p>
        <p class="download">Download is not an ad.</p>
        <div role="navigation"><p>Role nav</p></div>
        <div hidden><p>Hidden</p></div>
        <div style="display: none"><p>Invisible</p></div>
        <p aria-hidden="true">Decorative</p>
      </main>
      """
    let article = try ArticleExtractor.extract(html: html, url: nil)
    #expect(
      article.markdown == """
        Commentary is content.

        Entry header is content.

        Download is not an ad.

        """)
  }

  @Test func prefersArticleThenMainThenRoleMain() throws {
    let withMain =
      "<body><div><p>Outside main, long enough paragraph text here.</p></div><main><p>Main text</p></main></body>"
    #expect(try ArticleExtractor.extract(html: withMain, url: nil).markdown == "Main text\n")
    let withRole =
      "<body><div><p>Outside, a long paragraph of text.</p></div><div role=\"main\"><p>Role main</p></div></body>"
    #expect(try ArticleExtractor.extract(html: withRole, url: nil).markdown == "Role main\n")
    let twoArticles =
      "<body><article><p>Teaser</p></article><article><p>The full post, which is longer.</p></article></body>"
    #expect(
      try ArticleExtractor.extract(html: twoArticles, url: nil).markdown
        == "The full post, which is longer.\n")
  }

  @Test func fallsBackToTheDensestBlockOfParagraphs() throws {
    let html = """
      <body>
        <div id="top"><a href="/a">Home</a> <a href="/b">About</a> <a href="/c">Archive of all the old posts</a></div>
        <div id="wrapper">
          <div id="links"><p><a href="/1">A long list of links that is mostly links</a></p><p><a href="/2">and more links here</a></p></div>
          <div id="content">
            <p>The first paragraph of the actual story.</p>
            <p>The second paragraph, with a <a href="/ref">reference</a>.</p>
          </div>
        </div>
      </body>
      """
    let article = try ArticleExtractor.extract(html: html, url: "https://example.com/")
    #expect(
      article.markdown == """
        The first paragraph of the actual story.

        The second paragraph, with a [reference](https://example.com/ref).

        """)
  }

  @Test func fragmentsWithoutContainersKeepEverything() throws {
    let html = "<p>One.</p><h2>Two</h2><p>Three <a href=\"/x\">link</a>.</p>"
    let article = try ArticleExtractor.extract(html: html, url: "https://example.com/")
    #expect(article.markdown == "One.\n\n## Two\n\nThree [link](https://example.com/x).\n")
  }
}
