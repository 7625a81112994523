import Crypto
import Foundation

/// SHA-256 helpers used for content hashes and the content-addressed artifact store.
public enum SHA256Digest {
  /// Lower-case hex SHA-256 of `bytes`.
  public static func hex(of bytes: some Sequence<UInt8>) -> String {
    let digest = SHA256.hash(data: Array(bytes))
    return digest.map { byte in
      let s = String(byte, radix: 16)
      return s.count == 1 ? "0" + s : s
    }.joined()
  }

  /// Lower-case hex SHA-256 of `data`.
  public static func hex(of data: Data) -> String { hex(of: [UInt8](data)) }

  /// Lower-case hex SHA-256 of a string's UTF-8 bytes.
  public static func hex(of string: String) -> String { hex(of: Array(string.utf8)) }
}
