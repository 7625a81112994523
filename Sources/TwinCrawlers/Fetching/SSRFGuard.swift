/// Keeps crawls on the public internet: refuses hosts that resolve to loopback, private,
/// link-local and other special addresses (server-side request forgery protection).
///
/// A host is refused when *any* of its addresses is special, since the connection may use any
/// of them. The check runs before every connection attempt, redirects included; the HTTP client
/// additionally checks the address it actually connected to (see
/// ``HTTPFetcher``), which closes the gap left by DNS answers that change between the check and
/// the connection.
enum SSRFGuard {
  /// Resolves `host`, throws if it is not public, and returns the vetted addresses.
  ///
  /// - Parameter url: the URL being fetched, for the error message.
  /// - Throws: ``FetchError/privateAddressBlocked(url:address:range:)``, or
  ///   ``FetchError/network(url:reason:)`` when the host does not resolve.
  @discardableResult
  static func check(host: String, url: String) async throws(FetchError) -> [IPAddress] {
    let addresses: [IPAddress]
    do {
      addresses = try await HostResolver.resolve(host)
    } catch {
      throw .network(url: url, reason: "cannot resolve host \(error.host): \(error.reason)")
    }
    for address in addresses {
      if let range = address.specialRange {
        throw .privateAddressBlocked(url: url, address: address.description, range: range)
      }
    }
    return addresses
  }

  /// The special range of a connected peer's textual address, if any. Used on the live
  /// connection, where only the address string is at hand.
  static func specialRange(ofPeer address: String) -> SpecialAddressRange? {
    // Scoped IPv6 literals (`fe80::1%eth0`) carry the interface after `%`.
    let bare = address.split(separator: "%", maxSplits: 1).first.map(String.init) ?? address
    return IPAddress(bare)?.specialRange
  }
}
