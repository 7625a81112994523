/// The address ranges a crawler must not connect to unless private networks are allowed.
///
/// A link from the open web that resolves into one of these is either a mistake or an attempt to
/// make the crawler reach services that trust the local network (cloud metadata endpoints at
/// 169.254.169.254, admin consoles on 10/8, a database on localhost). IPv6 forms that carry an
/// IPv4 address (mapped, compatible, NAT64, 6to4) are judged by the address they carry, because
/// that is where the packets end up.
public enum SpecialAddressRange: String, Sendable, Equatable, CaseIterable, CustomStringConvertible
{
  /// `0.0.0.0` and `::`; connecting to them reaches the local host on most systems.
  case unspecified
  /// `0.0.0.0/8` other than `0.0.0.0` ("this network").
  case thisNetwork
  /// `127.0.0.0/8` and `::1`.
  case loopback
  /// `10.0.0.0/8`, `172.16.0.0/12`, `192.168.0.0/16`.
  case privateNetwork
  /// `fc00::/7`, IPv6's private addresses.
  case uniqueLocal
  /// `fec0::/10`, deprecated but still routed privately by some networks.
  case siteLocal
  /// `169.254.0.0/16` and `fe80::/10`.
  case linkLocal
  /// `100.64.0.0/10`, carrier-grade NAT.
  case sharedAddressSpace
  /// `224.0.0.0/4` and `ff00::/8`.
  case multicast
  /// `240.0.0.0/4`, including the broadcast address `255.255.255.255`.
  case reserved

  public var description: String {
    switch self {
    case .unspecified: "unspecified address"
    case .thisNetwork: "\"this network\" range 0.0.0.0/8"
    case .loopback: "loopback range"
    case .privateNetwork: "private network range"
    case .uniqueLocal: "unique local range fc00::/7"
    case .siteLocal: "site-local range fec0::/10"
    case .linkLocal: "link-local range"
    case .sharedAddressSpace: "carrier-grade NAT range 100.64.0.0/10"
    case .multicast: "multicast range"
    case .reserved: "reserved range 240.0.0.0/4"
    }
  }
}

extension IPAddress {
  /// The special range this address belongs to, or nil for a public address.
  public var specialRange: SpecialAddressRange? {
    switch self {
    case .v4(let a, let b, let c, let d):
      return Self.classifyV4(a, b, c, d)
    case .v6(let bytes):
      if let embedded = embeddedIPv4 { return embedded.specialRange }
      return Self.classifyV6(bytes)
    }
  }

  /// The IPv4 address an IPv6 address stands for, when it is one of the forms that carry one.
  ///
  /// Covers IPv4-mapped (`::ffff:a.b.c.d`), IPv4-translated (`::ffff:0:a.b.c.d`),
  /// IPv4-compatible (`::a.b.c.d`, deprecated), the NAT64 well-known prefix
  /// (`64:ff9b::a.b.c.d`) and 6to4 (`2002:AABB:CCDD::/48`).
  public var embeddedIPv4: IPAddress? {
    guard case .v6(let b) = self else { return nil }
    let tail = IPAddress(v4Bytes: Array(b[12..<16]))
    let firstTenZero = b[0..<10].allSatisfy { $0 == 0 }
    if firstTenZero && b[10] == 0xff && b[11] == 0xff { return tail }
    if b[0..<8].allSatisfy({ $0 == 0 }) && b[8] == 0xff && b[9] == 0xff && b[10] == 0
      && b[11] == 0
    {
      return tail
    }
    if firstTenZero && b[10] == 0 && b[11] == 0 {
      // `::` and `::1` are IPv6's own unspecified and loopback addresses, not embeddings.
      let isUnspecifiedOrLoopback = b[12] == 0 && b[13] == 0 && b[14] == 0 && b[15] <= 1
      return isUnspecifiedOrLoopback ? nil : tail
    }
    if b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b
      && b[4..<12].allSatisfy({ $0 == 0 })
    {
      return tail
    }
    if b[0] == 0x20 && b[1] == 0x02 { return IPAddress(v4Bytes: Array(b[2..<6])) }
    return nil
  }

  private static func classifyV4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8)
    -> SpecialAddressRange?
  {
    switch a {
    case 0: return (b, c, d) == (0, 0, 0) ? .unspecified : .thisNetwork
    case 10: return .privateNetwork
    case 100 where (64...127).contains(b): return .sharedAddressSpace
    case 127: return .loopback
    case 169 where b == 254: return .linkLocal
    case 172 where (16...31).contains(b): return .privateNetwork
    case 192 where b == 168: return .privateNetwork
    case 224...239: return .multicast
    case 240...255: return .reserved
    default: return nil
    }
  }

  private static func classifyV6(_ b: [UInt8]) -> SpecialAddressRange? {
    if b[0..<15].allSatisfy({ $0 == 0 }) {
      if b[15] == 0 { return .unspecified }
      if b[15] == 1 { return .loopback }
    }
    if b[0] & 0xfe == 0xfc { return .uniqueLocal }
    if b[0] == 0xfe && b[1] & 0xc0 == 0x80 { return .linkLocal }
    if b[0] == 0xfe && b[1] & 0xc0 == 0xc0 { return .siteLocal }
    if b[0] == 0xff { return .multicast }
    return nil
  }
}
