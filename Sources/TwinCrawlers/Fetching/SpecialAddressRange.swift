/// The address ranges a crawler must not connect to unless private networks are allowed.
///
/// A link from the open web that resolves into one of these is either a mistake or an attempt to
/// make the crawler reach services that trust the local network (cloud metadata endpoints at
/// 169.254.169.254, admin consoles on 10/8, a database on localhost), or addresses that are not
/// meant to carry traffic at all. The ranges are IANA's IPv4 and IPv6 special-purpose address
/// registries, written once in ``IPAddress/specialRanges``. IPv6 forms that carry an IPv4
/// address (mapped, compatible, NAT64, 6to4) are judged by the address they carry, because that
/// is where the packets end up.
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
  /// `192.0.0.0/24` and `2001::/23`: IETF protocol assignments (NAT64 discovery, DS-Lite, …).
  case protocolAssignments
  /// `192.0.2.0/24`, `198.51.100.0/24`, `203.0.113.0/24`, `2001:db8::/32`, `3fff::/20`.
  case documentation
  /// `198.18.0.0/15` and `2001:2::/48`, for network benchmarks; often routed inside labs.
  case benchmarking
  /// `192.88.99.0/24`, the deprecated 6to4 relay anycast.
  case relayAnycast
  /// `2001::/32`: Teredo tunnels carry an IPv4 address the crawler cannot vet.
  case teredo
  /// `64:ff9b:1::/48`: local-use IPv4/IPv6 translation, a private network's NAT64.
  case localTranslation
  /// `100::/64`: discard-only.
  case discardOnly

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
    case .protocolAssignments: "IETF protocol assignments range"
    case .documentation: "documentation range"
    case .benchmarking: "benchmarking range"
    case .relayAnycast: "6to4 relay anycast range 192.88.99.0/24"
    case .teredo: "Teredo range 2001::/32"
    case .localTranslation: "local-use NAT64 range 64:ff9b:1::/48"
    case .discardOnly: "discard-only range 100::/64"
    }
  }
}

extension IPAddress {
  /// One entry of the special-purpose registries: the first `length` bits of `prefix`.
  struct SpecialBlock: Sendable {
    var prefix: [UInt8]
    var length: Int
    var range: SpecialAddressRange

    func contains(_ bytes: [UInt8]) -> Bool {
      guard bytes.count == prefix.count else { return false }
      for bit in stride(from: 0, to: length, by: 8) {
        let index = bit / 8
        let mask: UInt8 = length - bit >= 8 ? 0xff : ~(0xff >> UInt8(length - bit))
        if bytes[index] & mask != prefix[index] & mask { return false }
      }
      return true
    }
  }

  /// IANA's special-purpose blocks that are not globally reachable, most specific first (the
  /// first block containing an address names its range).
  static let specialBlocks: [SpecialBlock] = [
    // IPv4 (RFC 6890 and successors).
    .init(prefix: [0, 0, 0, 0], length: 32, range: .unspecified),
    .init(prefix: [0, 0, 0, 0], length: 8, range: .thisNetwork),
    .init(prefix: [10, 0, 0, 0], length: 8, range: .privateNetwork),
    .init(prefix: [100, 64, 0, 0], length: 10, range: .sharedAddressSpace),
    .init(prefix: [127, 0, 0, 0], length: 8, range: .loopback),
    .init(prefix: [169, 254, 0, 0], length: 16, range: .linkLocal),
    .init(prefix: [172, 16, 0, 0], length: 12, range: .privateNetwork),
    .init(prefix: [192, 0, 0, 0], length: 24, range: .protocolAssignments),
    .init(prefix: [192, 0, 2, 0], length: 24, range: .documentation),
    .init(prefix: [192, 88, 99, 0], length: 24, range: .relayAnycast),
    .init(prefix: [192, 168, 0, 0], length: 16, range: .privateNetwork),
    .init(prefix: [198, 18, 0, 0], length: 15, range: .benchmarking),
    .init(prefix: [198, 51, 100, 0], length: 24, range: .documentation),
    .init(prefix: [203, 0, 113, 0], length: 24, range: .documentation),
    .init(prefix: [224, 0, 0, 0], length: 4, range: .multicast),
    .init(prefix: [240, 0, 0, 0], length: 4, range: .reserved),
    // IPv6 (RFC 6890, 9637 and successors); forms carrying IPv4 are unwrapped before this.
    .init(prefix: v6([0]), length: 128, range: .unspecified),
    .init(prefix: v6([0, 0, 0, 0, 0, 0, 0, 1]), length: 128, range: .loopback),
    .init(prefix: v6([0x64, 0xff9b, 1]), length: 48, range: .localTranslation),
    .init(prefix: v6([0x100]), length: 64, range: .discardOnly),
    .init(prefix: v6([0x2001, 0]), length: 32, range: .teredo),
    .init(prefix: v6([0x2001, 2, 0]), length: 48, range: .benchmarking),
    .init(prefix: v6([0x2001, 0xdb8]), length: 32, range: .documentation),
    .init(prefix: v6([0x2001]), length: 23, range: .protocolAssignments),
    .init(prefix: v6([0x3fff]), length: 20, range: .documentation),
    .init(prefix: v6([0xfc00]), length: 7, range: .uniqueLocal),
    .init(prefix: v6([0xfe80]), length: 10, range: .linkLocal),
    .init(prefix: v6([0xfec0]), length: 10, range: .siteLocal),
    .init(prefix: v6([0xff00]), length: 8, range: .multicast),
  ]

  /// Sixteen bytes from leading 16-bit groups, the rest zero.
  private static func v6(_ groups: [UInt16]) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: 16)
    for (i, group) in groups.enumerated() {
      bytes[2 * i] = UInt8(group >> 8)
      bytes[2 * i + 1] = UInt8(group & 0xff)
    }
    return bytes
  }

  /// The special range this address belongs to, or nil for a public address.
  public var specialRange: SpecialAddressRange? {
    if let embedded = embeddedIPv4 { return embedded.specialRange }
    let bytes: [UInt8]
    switch self {
    case .v4(let a, let b, let c, let d): bytes = [a, b, c, d]
    case .v6(let v6): bytes = v6
    }
    return Self.specialBlocks.first { $0.contains(bytes) }?.range
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
}
