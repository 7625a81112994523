import Testing
import TwinCrawlers

@Suite struct SSRFAddressTests {
  @Test(arguments: [
    // IPv4 special ranges, at their edges.
    ("0.0.0.0", SpecialAddressRange.unspecified),
    ("0.0.0.1", .thisNetwork),
    ("0.255.255.255", .thisNetwork),
    ("10.0.0.0", .privateNetwork),
    ("10.255.255.255", .privateNetwork),
    ("100.64.0.0", .sharedAddressSpace),
    ("100.127.255.255", .sharedAddressSpace),
    ("127.0.0.1", .loopback),
    ("127.255.255.254", .loopback),
    ("169.254.0.0", .linkLocal),
    ("169.254.169.254", .linkLocal),
    ("172.16.0.0", .privateNetwork),
    ("172.31.255.255", .privateNetwork),
    ("192.168.0.1", .privateNetwork),
    ("192.168.255.255", .privateNetwork),
    ("224.0.0.1", .multicast),
    ("239.255.255.255", .multicast),
    ("240.0.0.1", .reserved),
    ("255.255.255.255", .reserved),
    // IPv6's own ranges.
    ("::", .unspecified),
    ("::1", .loopback),
    ("fc00::1", .uniqueLocal),
    ("fdff:ffff::1", .uniqueLocal),
    ("fe80::1", .linkLocal),
    ("febf:ffff::1", .linkLocal),
    ("fec0::1", .siteLocal),
    ("ff02::1", .multicast),
    // IPv6 forms carrying a special IPv4 address.
    ("::ffff:127.0.0.1", .loopback),
    ("::ffff:10.1.2.3", .privateNetwork),
    ("::ffff:169.254.169.254", .linkLocal),
    ("::ffff:0:192.168.1.1", .privateNetwork),
    ("::127.0.0.1", .loopback),
    ("64:ff9b::a9fe:a9fe", .linkLocal),
    ("2002:7f00:1::", .loopback),
    ("2002:c0a8:0101::1", .privateNetwork),
    // The rest of IANA's special-purpose registries, once missed.
    ("192.0.0.8", .protocolAssignments),
    ("192.0.0.170", .protocolAssignments),
    ("192.0.2.1", .documentation),
    ("198.51.100.7", .documentation),
    ("203.0.113.255", .documentation),
    ("198.18.0.0", .benchmarking),
    ("198.19.255.255", .benchmarking),
    ("192.88.99.1", .relayAnycast),
    ("2001:db8::1", .documentation),
    ("3fff:abc::1", .documentation),
    ("2001::1", .teredo),
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", .teredo),
    ("2001:2::5", .benchmarking),
    ("2001:10::1", .protocolAssignments),
    ("64:ff9b:1::a00:1", .localTranslation),
    ("100::1", .discardOnly),
    ("::ffff:198.18.0.1", .benchmarking),
    ("64:ff9b::c000:0201", .documentation),
  ])
  func specialAddressesAreClassified(address: String, range: SpecialAddressRange) throws {
    let parsed = try #require(IPAddress(address))
    #expect(parsed.specialRange == range)
  }

  @Test(arguments: [
    "1.1.1.1", "8.8.8.8", "9.255.255.255", "11.0.0.0", "100.63.255.255", "100.128.0.0",
    "126.255.255.255", "128.0.0.0", "169.253.255.255", "169.255.0.0", "172.15.255.255",
    "172.32.0.0", "192.167.255.255", "192.169.0.0", "223.255.255.255",
    "2001:4860:4860::8888", "2606:4700::1111", "fbff::1", "::2:0:0:1", "::ffff:8.8.8.8",
    "64:ff9b::808:808", "2002:0808:0808::1", "192.0.1.255", "192.0.3.0", "198.17.255.255", "198.20.0.0",
    "203.0.112.255", "192.88.98.255", "2001:200::1", "2001:db9::1", "4000::1",
  ])
  func publicAddressesPass(address: String) throws {
    let parsed = try #require(IPAddress(address))
    #expect(parsed.specialRange == nil)
  }

  @Test func parsingAndPrintingRoundTrip() throws {
    #expect(IPAddress("192.0.2.1") == .v4(192, 0, 2, 1))
    #expect(try #require(IPAddress("2001:DB8:0:0:0:0:0:1")).description == "2001:db8::1")
    #expect(try #require(IPAddress("::ffff:127.0.0.1")).embeddedIPv4 == .v4(127, 0, 0, 1))
    #expect(try #require(IPAddress("2001:db8::1")).embeddedIPv4 == nil)
    #expect(IPAddress("127.1") == nil)
    #expect(IPAddress("example.com") == nil)
    #expect(IPAddress("1.2.3.4.5") == nil)
    #expect(IPAddress("") == nil)
  }

  @Test func everyRangeHasAnExample() {
    // Guards the argument lists above against a range added without a test.
    let covered: Set<SpecialAddressRange> = [
      .unspecified, .thisNetwork, .loopback, .privateNetwork, .uniqueLocal, .siteLocal, .linkLocal,
      .sharedAddressSpace, .multicast, .reserved, .protocolAssignments, .documentation, .benchmarking,
      .relayAnycast, .teredo, .localTranslation, .discardOnly,
    ]
    #expect(Set(SpecialAddressRange.allCases) == covered)
  }
}
