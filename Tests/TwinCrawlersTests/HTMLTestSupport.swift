import TwinCrawlers

/// Markdown for an HTML fragment: its whole body, without main-content selection.
func markdownOfBody(_ html: String, url: String? = "https://example.com/blog/post.html") throws
  -> String
{
  try MarkdownConverter.markdown(html: html, baseURL: url)
}

/// Markdown for the whole body of a parsed document.
func markdownOfBody(_ document: HTMLDocument) -> String {
  MarkdownConverter.markdown(fromBodyOf: document, baseURL: nil)
}

/// The bytes of `text` in ISO-8859-1 (all test strings are Latin-1 representable).
func latin1Bytes(_ text: String) -> [UInt8] {
  text.unicodeScalars.map { UInt8($0.value) }
}
