import Foundation
import TwinCore

/// Which API keys a server accepts, and whether it may start: the one home of that policy for
/// both servers.
///
/// A server on a loopback address may run without keys; anywhere else it needs at least one.
/// An empty or blank key is refused outright: `--api-key "$KEY"` with `KEY` unset must not
/// start a server that says "API key required" and then lets every request in.
public struct APIKeyPolicy: Sendable, Equatable {
  /// The accepted keys; empty means no authentication (loopback only).
  public let keys: [String]

  /// Hosts a server may bind without keys.
  public static let loopbackHosts: Set<String> = ["127.0.0.1", "::1", "localhost"]

  /// The keys given on the command line (`--api-key`, repeatable) and in the environment
  /// (`TWIN_SERVE_API_KEYS`, comma-separated), for a server binding `host`.
  ///
  /// - Throws: ``TwinError/configuration(_:)`` naming the option or variable when a key is empty
  ///   or blank, or when `host` is not loopback and there is no key.
  public init(options: [String], environment: String?, host: String) throws {
    for (index, key) in options.enumerated() where key.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      throw TwinError.configuration(
        "--api-key number \(index + 1) is empty: give a non-blank key (is the variable you passed unset?)")
    }
    var keys = options
    // A variable set to nothing counts as unset (no keys); a list with a blank entry is a typo.
    if let environment, !environment.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      let listed = environment.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
      guard !listed.contains(where: \.isEmpty) else {
        throw TwinError.configuration(
          "TWIN_SERVE_API_KEYS holds an empty key: give comma-separated, non-blank keys, or unset it")
      }
      keys += listed
    }
    guard Self.loopbackHosts.contains(host) || !keys.isEmpty else {
      throw TwinError.configuration(
        "--host \(host) is not loopback: give --api-key (or TWIN_SERVE_API_KEYS) to expose the server")
    }
    self.keys = keys
  }

  /// Whether requests must carry a key.
  public var required: Bool { !keys.isEmpty }
}
