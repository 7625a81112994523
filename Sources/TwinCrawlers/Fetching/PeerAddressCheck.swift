import NIOCore

/// The address guard on live connections: refuses a connection whose peer is a special address.
///
/// ``SSRFGuard`` resolves a host before the request, but the HTTP client resolves it again when
/// connecting, and a hostile DNS server can answer differently the second time ("DNS
/// rebinding"). Checking the connected socket's peer closes that gap. It runs as the client's
/// connection initializer, after connecting and before any request is written.
enum PeerAddressCheck {
  /// The connection's peer was a special address.
  struct Refused: Error, Sendable {
    var address: String
    var range: SpecialAddressRange
  }

  /// Succeeds for a public peer; closes the channel and fails for a special one.
  @Sendable static func verify(_ channel: any Channel) -> EventLoopFuture<Void> {
    guard let address = channel.remoteAddress?.ipAddress,
      let range = SSRFGuard.specialRange(ofPeer: address)
    else {
      return channel.eventLoop.makeSucceededVoidFuture()
    }
    channel.close(promise: nil)
    return channel.eventLoop.makeFailedFuture(Refused(address: address, range: range))
  }
}
