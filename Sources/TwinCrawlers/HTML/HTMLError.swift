/// Why an HTML input could not be used.
public enum HTMLError: Error, Sendable, Equatable, CustomStringConvertible {
  /// libxml2 produced no document (empty input, or bytes that hold no markup at all). Carries the
  /// page's URL when known.
  case unparseable(url: String?)

  public var description: String {
    switch self {
    case .unparseable(let url):
      "could not parse HTML from \(url ?? "an inline document"): the input is empty or holds no markup"
    }
  }
}
