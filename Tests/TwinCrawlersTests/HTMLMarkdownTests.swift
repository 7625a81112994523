import Testing
import TwinCrawlers

@Suite struct HTMLMarkdownTests {
  @Test func headingsAndParagraphs() throws {
    let html = """
      <h1>Title</h1><p>Intro   text
      across lines.</p><h2>Part <em>two</em></h2><h3>Three</h3><h4>4</h4><h5>5</h5><h6>6</h6><p>End.</p>
      """
    #expect(
      try markdownOfBody(html) == """
        # Title

        Intro text across lines.

        ## Part *two*

        ### Three

        #### 4

        ##### 5

        ###### 6

        End.

        """)
  }

  @Test func emphasisStrongAndInlineCode() throws {
    let html = """
      <p>Some <em>emphasis</em>, <strong>strong </strong>text, <b><i>both</i></b>, <code>let x = 1</code>,
      <code>a`b</code>, empty <em> </em>tags and <kbd>Ctrl</kbd>.</p>
      """
    #expect(
      try markdownOfBody(html)
        == "Some *emphasis*, **strong** text, ***both***, `let x = 1`, ``a`b``, empty tags and `Ctrl`.\n"
    )
  }

  @Test func nestedAndOrderedLists() throws {
    let html = """
      <ul>
        <li>Apples</li>
        <li>Fruit:
          <ol start="3"><li>Pears</li><li><p>Plums</p></li></ol>
        </li>
        <li></li>
        <li>Figs</li>
      </ul>
      <p>After.</p>
      """
    #expect(
      try markdownOfBody(html) == """
        - Apples
        - Fruit:
          3. Pears
          4. Plums
        - Figs

        After.

        """)
  }

  @Test func fencedCodeKeepsWhitespaceAndLanguage() throws {
    let html = """
      <p>Run:</p><pre><code class="hljs language-python">def f(x):
          if x &lt; 2:
              return "a"  # <span class="comment">comment</span>

          return x * 2
      </code></pre><pre class="lang-sh">ls -la</pre><pre>with ``` inside</pre>
      """
    #expect(
      try markdownOfBody(html) == """
        Run:

        ```python
        def f(x):
            if x < 2:
                return "a"  # comment

            return x * 2
        ```

        ```sh
        ls -la
        ```

        ````
        with ``` inside
        ````

        """)
  }

  @Test func linksAndImagesResolveAgainstTheBaseURL() throws {
    let html = """
      <p>See <a href="../about.html">about</a>, <a href="https://other.org/x">other</a>,
      <a href="#section">an anchor</a>, <a href="javascript:void(0)">a script</a>,
      <a href="/empty"> </a>and <a href="mailto:me@example.com">mail</a>.</p>
      <p><img src="img/cat.png" alt="A  cat"> <img data-src="/lazy.jpg" alt=""></p>
      """
    #expect(
      try markdownOfBody(html, url: "https://example.com/blog/post.html") == """
        See [about](https://example.com/about.html), [other](https://other.org/x), an anchor, a script, and [mail](mailto:me@example.com).

        ![A cat](https://example.com/blog/img/cat.png) ![](https://example.com/lazy.jpg)

        """)
  }

  @Test func baseElementOverridesThePageURL() throws {
    let html = """
      <html><head><base href="https://cdn.example.net/docs/"></head>
      <body><article><p><a href="guide.html">Guide</a></p></article></body></html>
      """
    let article = try ArticleExtractor.extract(html: html, url: "https://example.com/a/b")
    #expect(article.markdown == "[Guide](https://cdn.example.net/docs/guide.html)\n")
  }

  @Test func tablesBecomePipeTables() throws {
    let html = """
      <table>
        <caption>Results</caption>
        <thead><tr><th>Model</th><th>Score</th></tr></thead>
        <tbody>
          <tr><td><b>Twin</b></td><td>9|10</td></tr>
          <tr><td>Baseline</td></tr>
          <tr><td></td><td></td></tr>
        </tbody>
      </table>
      """
    #expect(
      try markdownOfBody(html) == """
        Results

        | Model | Score |
        | --- | --- |
        | **Twin** | 9\\|10 |
        | Baseline |  |

        """)
  }

  @Test func layoutTablesRenderAsBlocks() throws {
    let single = "<table><tr><td><p>Only</p><p>cell</p></td></tr></table>"
    #expect(try markdownOfBody(single) == "Only\n\ncell\n")
    let nested = """
      <table><tr><td>Menu</td><td><table><tr><td>a</td><td>b</td></tr></table><p>Text</p></td></tr></table>
      """
    #expect(try markdownOfBody(nested) == "Menu\n\n| a | b |\n| --- | --- |\n\nText\n")
  }

  @Test func blockquotesRulesAndLineBreaks() throws {
    let html = """
      <blockquote><p>Quoted</p><p>twice<br>with break</p></blockquote>
      <hr>
      <p>One<br><br>Two</p>
      """
    // A <br> is a Markdown hard break: two spaces before the newline.
    #expect(
      try markdownOfBody(html)
        == "> Quoted\n>\n> twice  \n> with break\n\n---\n\nOne\n\nTwo\n")
  }

  @Test func prefixesNestThroughQuotesListsAndCode() throws {
    let html = """
      <blockquote><p>Steps:</p><ol><li>Install<pre>pip install x

      x --help</pre></li><li>Run</li></ol></blockquote>
      """
    #expect(
      try markdownOfBody(html)
        == "> Steps:\n>\n> 1. Install\n>\n>    ```\n>    pip install x\n>\n>    x --help\n>    ```\n> 2. Run\n"
    )
  }

  @Test func emptyBlocksNeverLeaveRunsOfBlankLines() throws {
    let html =
      "<div><p> </p><div></div>&nbsp;<p>A</p><p></p><div><div><br></div></div><p>B</p></div><p>&nbsp;</p>"
    #expect(try markdownOfBody(html) == "A\n\nB\n")
  }

  @Test func emphasisAcrossParagraphsStaysPlain() throws {
    #expect(try markdownOfBody("<b><p>one</p><p>two</p></b>") == "one\n\ntwo\n")
  }

  @Test func emptyDocumentGivesEmptyMarkdown() throws {
    #expect(try markdownOfBody("<div><script>x()</script></div>") == "")
  }
}
