/// Splits text around literal special tokens so they become single ids and the text between
/// them is tokenized normally.
///
/// At each position the longest matching token wins, which keeps `<start_of_turn>` from being
/// read as `<start` plus the rest when both exist.
struct SpecialTokenSplitter: Sendable {
  enum Segment: Equatable {
    case text(String)
    case token(Int32)
  }

  /// Tokens by their first UTF-8 byte, longest first.
  private let byFirstByte: [UInt8: [(bytes: [UInt8], id: Int32)]]

  init(_ tokens: [(text: String, id: Int32)]) {
    var table: [UInt8: [(bytes: [UInt8], id: Int32)]] = [:]
    for (text, id) in tokens {
      let bytes = Array(text.utf8)
      guard let first = bytes.first else { continue }
      table[first, default: []].append((bytes, id))
    }
    byFirstByte = table.mapValues { $0.sorted { $0.bytes.count > $1.bytes.count } }
  }

  func split(_ text: String) -> [Segment] {
    guard !byFirstByte.isEmpty else { return text.isEmpty ? [] : [.text(text)] }
    let bytes = Array(text.utf8)
    var segments: [Segment] = []
    var plainStart = 0
    var i = 0
    while i < bytes.count {
      if let candidates = byFirstByte[bytes[i]],
        let match = candidates.first(where: { c in
          i + c.bytes.count <= bytes.count && bytes[i..<(i + c.bytes.count)].elementsEqual(c.bytes)
        })
      {
        if plainStart < i { segments.append(.text(String(decoding: bytes[plainStart..<i], as: UTF8.self))) }
        segments.append(.token(match.id))
        i += match.bytes.count
        plainStart = i
      } else {
        i += 1
      }
    }
    if plainStart < bytes.count { segments.append(.text(String(decoding: bytes[plainStart...], as: UTF8.self))) }
    return segments
  }
}
