/// Why an HTML input could not be used.
public enum HTMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// libxml2 produced no document (empty input, or bytes that hold no markup at all). Carries the
  /// page's URL when known.
  case unparseable(url: String?)
  /// The body is binary (an image, an archive, a PDF) though it was served as HTML; storing it
  /// would put junk in the warehouse.
  case binaryContent(url: String?)

  public var description: String {
    switch self {
    case .binaryContent(let url):
      "refusing \(url ?? "an inline document"): it was served as HTML but the body is binary data"
    case .unparseable(let url):
      "could not parse HTML from \(url ?? "an inline document"): the input is empty or holds no markup"
    }
  }
}
