import Foundation
import TwinCore

/// Deterministic chunk ids: a name-based UUID of the document id and the chunk text.
///
/// Unchanged text keeps its id across runs, so re-running the pipeline overwrites chunks
/// instead of adding copies, and an edit changes only the ids of the chunks it touched. The
/// `occurrence` tells apart identical chunks in one document (a repeated licence header).
enum ChunkIdentity {
  static func id(documentID: UUID, text: String, occurrence: Int) -> UUID {
    let name = documentID.uuidString.lowercased() + "\n" + String(occurrence) + "\n" + text
    let bytes = Array(SHA256Digest.hex(of: name).utf8.prefix(32))
    // Hex digits back to 16 bytes.
    var raw = [UInt8](repeating: 0, count: 16)
    for i in 0..<16 {
      raw[i] = UInt8(hexValue(bytes[2 * i]) << 4 | hexValue(bytes[2 * i + 1]))
    }
    // RFC 9562 layout: version 8 (custom, name-based) and the RFC variant bits.
    raw[6] = (raw[6] & 0x0F) | 0x80
    raw[8] = (raw[8] & 0x3F) | 0x80
    return UUID(
      uuid: (
        raw[0], raw[1], raw[2], raw[3], raw[4], raw[5], raw[6], raw[7], raw[8], raw[9], raw[10], raw[11], raw[12],
        raw[13], raw[14], raw[15]
      ))
  }

  private static func hexValue(_ c: UInt8) -> UInt8 {
    c >= 97 ? c - 87 : c - 48
  }
}
