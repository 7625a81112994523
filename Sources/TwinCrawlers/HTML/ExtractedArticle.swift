/// An article's text and descriptors, as extracted from its page.
public struct ExtractedArticle: Sendable, Equatable {
  /// The page title (see ``PageMetadata/title``).
  public var title: String?
  /// The subtitle shown under the title (an element with class `subtitle`, as Medium marks it),
  /// else the page description, as the LLM Engineer's Handbook stores it.
  public var subtitle: String?
  /// The page language (see ``PageMetadata/language``).
  public var language: String?
  /// The main content as Markdown (see ``MarkdownConverter``).
  public var markdown: String

  public init(title: String?, subtitle: String?, language: String?, markdown: String) {
    self.title = title
    self.subtitle = subtitle
    self.language = language
    self.markdown = markdown
  }
}
