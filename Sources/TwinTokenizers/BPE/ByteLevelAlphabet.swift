/// GPT-2's reversible map from bytes to printable Unicode scalars.
///
/// Byte-level BPE vocabularies store tokens as text in which every byte is one visible
/// character: printable Latin-1 bytes stand for themselves and the rest (control characters,
/// space, …) are shifted to U+0100 and up. A space is stored as "Ġ" (U+0120), a newline as "Ċ".
enum ByteLevelAlphabet {
  /// The scalar standing for each byte.
  static let scalarForByte: [Unicode.Scalar] = {
    var table = [Unicode.Scalar](repeating: "\0", count: 256)
    var shifted: UInt32 = 256
    for byte in 0..<256 {
      let printable = (33...126).contains(byte) || (161...172).contains(byte) || (174...255).contains(byte)
      if printable {
        table[byte] = Unicode.Scalar(UInt32(byte))!
      } else {
        table[byte] = Unicode.Scalar(shifted)!
        shifted += 1
      }
    }
    return table
  }()

  /// The byte each alphabet scalar stands for.
  static let byteForScalar: [UInt32: UInt8] = {
    var table: [UInt32: UInt8] = [:]
    for (byte, scalar) in scalarForByte.enumerated() { table[scalar.value] = UInt8(byte) }
    return table
  }()

  /// `bytes` written in the alphabet.
  static func encode(_ bytes: some Sequence<UInt8>) -> String {
    var out = String.UnicodeScalarView()
    for b in bytes { out.append(scalarForByte[Int(b)]) }
    return String(out)
  }

  /// The bytes a token string stands for; scalars outside the alphabet are kept as UTF-8
  /// (added tokens are stored as plain text).
  static func decode(_ token: String) -> [UInt8] {
    var out: [UInt8] = []
    for scalar in token.unicodeScalars {
      if let byte = byteForScalar[scalar.value] {
        out.append(byte)
      } else {
        out.append(contentsOf: String(scalar).utf8)
      }
    }
    return out
  }
}
