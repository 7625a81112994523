import Dispatch
import TwinCore

#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Resolves host names with the system resolver (`getaddrinfo`), the same one the HTTP client
/// and git use, so the addresses checked are the addresses connected to.
enum HostResolver {
  /// Why a host could not be resolved.
  struct Failure: Error, Sendable {
    var host: String
    var reason: String
  }

  /// Every address `host` resolves to (IPv4 and IPv6), deduplicated, in resolver order.
  ///
  /// `getaddrinfo` blocks (for as long as a DNS server takes to answer), so it waits on a
  /// thread of its own instead of a Swift concurrency thread, which must never block.
  static func resolve(_ host: String) async throws(Failure) -> [IPAddress] {
    try await BlockingWork.wait { resolveBlocking(host) }.get()
  }

  private static func resolveBlocking(_ host: String) -> Result<[IPAddress], Failure> {
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    #if os(Linux)
      hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    #else
      hints.ai_socktype = SOCK_STREAM
    #endif
    var list: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(host, nil, &hints, &list)
    guard status == 0 else {
      let reason = String(cString: gai_strerror(status))
      return .failure(Failure(host: host, reason: reason))
    }
    defer { freeaddrinfo(list) }

    var addresses: [IPAddress] = []
    var node = list
    while let info = node?.pointee {
      if let address = Self.address(of: info), !addresses.contains(address) {
        addresses.append(address)
      }
      node = info.ai_next
    }
    if addresses.isEmpty {
      return .failure(Failure(host: host, reason: "no IPv4 or IPv6 address"))
    }
    return .success(addresses)
  }

  private static func address(of info: addrinfo) -> IPAddress? {
    guard let sockaddr = info.ai_addr else { return nil }
    switch info.ai_family {
    case AF_INET:
      let bytes = sockaddr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
        withUnsafeBytes(of: pointer.pointee.sin_addr) { Array($0) }
      }
      return IPAddress(v4Bytes: bytes)
    case AF_INET6:
      let bytes = sockaddr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
        withUnsafeBytes(of: pointer.pointee.sin6_addr) { Array($0) }
      }
      return .v6(bytes)
    default:
      return nil
    }
  }
}
