/// What a page says about itself in its markup.
public struct PageMetadata: Sendable, Equatable {
  /// `og:title`, else `<title>`, else the first `<h1>` outside page furniture.
  public var title: String?
  /// `og:description`, else `<meta name="description">`.
  public var description: String?
  /// A language tag such as `en` or `en-US`: `<html lang>`, else `og:locale`, else the
  /// `Content-Language` meta header.
  public var language: String?
  /// The absolute `<link rel="canonical">` URL.
  public var canonicalURL: String?

  public init(
    title: String? = nil, description: String? = nil, language: String? = nil,
    canonicalURL: String? = nil
  ) {
    self.title = title
    self.description = description
    self.language = language
    self.canonicalURL = canonicalURL
  }
}
