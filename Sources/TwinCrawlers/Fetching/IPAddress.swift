#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// An IPv4 or IPv6 address, as raw network-order bytes.
///
/// The crawler classifies every address a host resolves to before connecting (see
/// ``SpecialAddressRange``), so it needs the bytes rather than a string form that can be spelled
/// many ways (`127.1`, `::ffff:7f00:1`, `0x7f000001`).
public enum IPAddress: Sendable, Hashable, CustomStringConvertible {
  /// Four bytes, most significant first.
  case v4(UInt8, UInt8, UInt8, UInt8)
  /// Sixteen bytes, most significant first.
  case v6([UInt8])

  /// Parses the canonical textual forms (`192.0.2.1`, `2001:db8::1`, `::ffff:192.0.2.1`).
  ///
  /// Uses `inet_pton`, which accepts only the strict dotted-quad IPv4 form; host names that
  /// resolve to an address are handled by ``HostResolver``, not here.
  public init?(_ string: String) {
    var v4 = in_addr()
    if inet_pton(AF_INET, string, &v4) == 1 {
      self = IPAddress(v4Bytes: withUnsafeBytes(of: &v4) { Array($0) })
      return
    }
    var v6 = in6_addr()
    if inet_pton(AF_INET6, string, &v6) == 1 {
      self = .v6(withUnsafeBytes(of: &v6) { Array($0) })
      return
    }
    return nil
  }

  /// An address from its network-order bytes: 4 bytes for IPv4, 16 for IPv6.
  init(v4Bytes b: [UInt8]) {
    precondition(b.count == 4, "an IPv4 address has 4 bytes")
    self = .v4(b[0], b[1], b[2], b[3])
  }

  /// The address's bytes, most significant first.
  public var bytes: [UInt8] {
    switch self {
    case .v4(let a, let b, let c, let d): [a, b, c, d]
    case .v6(let bytes): bytes
    }
  }

  /// The canonical text form (`inet_ntop`): dotted quad, or compressed IPv6.
  public var description: String {
    var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
    var bytes = self.bytes
    let family = bytes.count == 4 ? AF_INET : AF_INET6
    let ok = bytes.withUnsafeMutableBytes { raw in
      inet_ntop(family, raw.baseAddress, &buffer, socklen_t(buffer.count)) != nil
    }
    guard ok else { return bytes.map(String.init).joined(separator: ".") }
    return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
  }
}
