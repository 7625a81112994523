import AsyncHTTPClient
import NIOCore
import NIOHTTPCompression

/// Translates the HTTP stack's errors into ``FetchError`` values that name the URL.
enum FetchFailure {
  /// The ``FetchError`` for `error`, raised while fetching `url` with bodies limited to
  /// `bodyLimit` bytes. Cancellation stays `CancellationError`, so callers can tell "stopped"
  /// from "failed".
  static func classify(_ error: any Error, url: String, bodyLimit: Int) -> any Error {
    if error is CancellationError { return error }
    if let fetchError = error as? FetchError { return fetchError }
    if let refused = error as? PeerAddressCheck.Refused {
      return FetchError.privateAddressBlocked(
        url: url, address: refused.address, range: refused.range)
    }
    if let clientError = error as? HTTPClientError {
      switch clientError {
      case .readTimeout, .writeTimeout, .connectTimeout, .deadlineExceeded, .tlsHandshakeTimeout,
        .getConnectionFromPoolTimeout:
        return FetchError.timeout(url: url)
      case .cancelled where Task.isCancelled:
        return CancellationError()
      default:
        return FetchError.network(url: url, reason: clientError.description)
      }
    }
    if case ChannelError.connectTimeout = error {
      return FetchError.timeout(url: url)
    }
    if let decompressionError = error as? NIOHTTPDecompression.DecompressionError,
      decompressionError == .limit
    {
      return FetchError.bodyTooLarge(url: url, limit: bodyLimit)
    }
    return FetchError.network(url: url, reason: String(describing: error))
  }
}
