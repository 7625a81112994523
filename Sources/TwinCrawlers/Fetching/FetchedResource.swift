/// A fetched document: where it ended up, what the server said it is, and its bytes.
public struct FetchedResource: Sendable, Equatable {
  /// The final URL, after redirects; relative links in the body resolve against it.
  public var url: String
  /// The HTTP status of the final response (2xx for anything ``HTTPFetcher/fetch(_:accept:)``
  /// returns).
  public var status: Int
  /// The lower-cased media type from `Content-Type`, or nil when the server sent none.
  public var mimeType: String?
  /// The `charset` parameter of `Content-Type`, lower-cased, when present. A page may still
  /// declare its encoding in a `<meta>` tag; the HTML layer weighs both.
  public var charset: String?
  /// The body, undecoded.
  public var body: [UInt8]

  public init(url: String, status: Int, mimeType: String?, charset: String?, body: [UInt8]) {
    self.url = url
    self.status = status
    self.mimeType = mimeType
    self.charset = charset
    self.body = body
  }
}
