import Foundation

/// One entry of a feed: a link to an article, often with the article itself.
public struct FeedEntry: Sendable, Equatable {
  /// The entry's absolute link (resolved against the feed's URL).
  public var link: String
  public var title: String?
  /// The full article HTML: RSS `content:encoded`, else `description`; Atom `content`.
  public var contentHTML: String?
  /// The entry's summary as given (often HTML): RSS `description`, Atom `summary`.
  public var summary: String?
  /// RSS `pubDate` (or `dc:date`); Atom `published`, else `updated`.
  public var published: Date?

  public init(
    link: String, title: String? = nil, contentHTML: String? = nil, summary: String? = nil,
    published: Date? = nil
  ) {
    self.link = link
    self.title = title
    self.contentHTML = contentHTML
    self.summary = summary
    self.published = published
  }
}

/// An RSS or Atom feed: its title and its entries in document order.
public struct Feed: Sendable, Equatable {
  public var title: String?
  public var entries: [FeedEntry]

  public init(title: String?, entries: [FeedEntry]) {
    self.title = title
    self.entries = entries
  }
}
