/// The content keys of articles and posts, in the Handbook's spelling: the contract between the
/// crawlers, which write them, and the cleaners, which read them. (A repository's content is
/// keyed by file path instead.)
public enum ContentField: String, Sendable, CaseIterable {
  /// An article's or a post's title.
  case title = "Title"
  /// An article's subtitle; present as JSON null when the article has none.
  case subtitle = "Subtitle"
  /// The body: an article's Markdown, a post's text.
  case content = "Content"
  /// An article's page language (`en`), metadata rather than text.
  case language = "language"
  /// A LinkedIn post's date.
  case date = "Date"
  /// The link a LinkedIn post shared.
  case sharedURL = "SharedUrl"
  /// A post's text in exports that call it so.
  case text = "text"
}

extension RawDocument {
  /// The value of `field`, or nil when it is absent or JSON null.
  public func text(_ field: ContentField) -> String? { text(field.rawValue) }
}

extension Dictionary where Key == String, Value == String? {
  /// Content with these fields set (a nil value is kept as JSON null, as the Handbook keeps
  /// an article's absent subtitle).
  public init(_ fields: KeyValuePairs<ContentField, String?>) {
    self.init(uniqueKeysWithValues: fields.map { ($0.key.rawValue, $0.value) })
  }

  /// The value of `field`: absent (nil), JSON null (`.some(nil)`) or text.
  public subscript(field: ContentField) -> String?? {
    get { self[field.rawValue] }
    set { self[field.rawValue] = newValue }
  }
}
