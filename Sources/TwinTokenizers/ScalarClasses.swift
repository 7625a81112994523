/// Per-code-point character classes and replacement tables for the BERT normalizer and
/// pre-tokenizer, built once from `BertUnicodeData`.
///
/// Lookups sit in the innermost loop (once per input code point), so classes live in a two-stage
/// table: the high bits of a code point pick a 256-entry block, and identical blocks are shared.
/// That costs two array reads per code point and about 40 KB instead of a flat 1.1 MB array.
struct ScalarClasses: Sendable {
  /// Removed by `clean_text`.
  static let removed: UInt8 = 1 << 0
  /// Whitespace: becomes ' ' under `clean_text` and separates words.
  static let whitespace: UInt8 = 1 << 1
  /// Punctuation: a word of its own.
  static let punctuation: UInt8 = 1 << 2
  /// CJK ideograph: surrounded by spaces under `handle_chinese_chars`.
  static let chinese: UInt8 = 1 << 3
  /// Nonspacing mark: deleted by `strip_accents`.
  static let nonspacingMark: UInt8 = 1 << 4
  /// Has a `strip_accents` replacement (a decomposition, possibly empty).
  static let decomposes: UInt8 = 1 << 5
  /// Has a `lowercase` replacement.
  static let hasLowercase: UInt8 = 1 << 6

  /// The tables, parsed on first use (Swift initialises globals and statics lazily and once).
  static let shared = ScalarClasses()

  private static let blockShift = 8
  private static let blockSize = 1 << blockShift
  private static let scalarLimit = 0x11_0000

  private let blockIndex: [UInt16]
  private let blocks: [UInt8]
  private let decompositions: ScalarMappingTable
  private let lowercaseMappings: ScalarMappingTable

  private init() {
    var flat = [UInt8](repeating: 0, count: Self.scalarLimit)
    func mark(_ table: String, _ flag: UInt8) {
      for range in Self.parseRanges(table) {
        for cp in range { flat[Int(cp)] |= flag }
      }
    }
    mark(BertUnicodeData.removed, Self.removed)
    mark(BertUnicodeData.whitespace, Self.whitespace)
    mark(BertUnicodeData.punctuation, Self.punctuation)
    mark(BertUnicodeData.chinese, Self.chinese)
    mark(BertUnicodeData.nonspacingMarks, Self.nonspacingMark)
    let decompositions = ScalarMappingTable(BertUnicodeData.strippedDecompositions)
    for cp in decompositions.keys { flat[Int(cp)] |= Self.decomposes }
    for cp in HangulSyllable.range { flat[Int(cp)] |= Self.decomposes }
    let lowercase = ScalarMappingTable(BertUnicodeData.lowercase)
    for cp in lowercase.keys { flat[Int(cp)] |= Self.hasLowercase }

    // Share identical blocks: most of the code space is unassigned or uniform.
    var blockIndex: [UInt16] = []
    var blocks: [UInt8] = []
    var seen: [ArraySlice<UInt8>: UInt16] = [:]
    for start in stride(from: 0, to: Self.scalarLimit, by: Self.blockSize) {
      let block = flat[start..<start + Self.blockSize]
      if let index = seen[block] {
        blockIndex.append(index)
      } else {
        let index = UInt16(blocks.count / Self.blockSize)
        seen[block] = index
        blocks.append(contentsOf: block)
        blockIndex.append(index)
      }
    }
    self.blockIndex = blockIndex
    self.blocks = blocks
    self.decompositions = decompositions
    self.lowercaseMappings = lowercase
  }

  /// The class flags of a code point (0 for anything past U+10FFFF).
  @inline(__always)
  func flags(_ scalar: UInt32) -> UInt8 {
    guard scalar < Self.scalarLimit else { return 0 }
    let block = Int(blockIndex[Int(scalar >> UInt32(Self.blockShift))])
    return blocks[block << Self.blockShift | Int(scalar & UInt32(Self.blockSize - 1))]
  }

  /// Calls `body` with each code point of the `strip_accents` replacement of a code point
  /// flagged `decomposes` (none when the replacement is empty).
  @inline(__always)
  func forEachDecomposed(_ scalar: UInt32, _ body: (UInt32) -> Void) {
    if HangulSyllable.range.contains(scalar) {
      HangulSyllable.forEachJamo(of: scalar, body)
    } else {
      decompositions.forEach(scalar, body)
    }
  }

  /// Appends the lowercase replacement of a code point flagged `hasLowercase`.
  @inline(__always)
  func appendLowercase(of scalar: UInt32, to output: inout [UInt32]) {
    // ASCII capitals are by far the most common case; skip the dictionary for them.
    if scalar < 0x80 {
      output.append(scalar | 0x20)
    } else {
      lowercaseMappings.forEach(scalar) { output.append($0) }
    }
  }

  /// Parses `first-last` / `single` hex items separated by whitespace.
  static func parseRanges(_ table: String) -> [ClosedRange<UInt32>] {
    table.split(whereSeparator: \.isWhitespace).map { item in
      let bounds = item.split(separator: "-").map { UInt32($0, radix: 16)! }
      return bounds[0]...bounds[bounds.count - 1]
    }
  }
}

/// Code point → replacement sequence, stored flat so a lookup allocates nothing.
struct ScalarMappingTable: Sendable {
  /// Packed `start << 8 | count` into `storage`.
  private let index: [UInt32: UInt32]
  private let storage: [UInt32]

  /// Parses `codepoint:replacement,…` items (hex) separated by whitespace.
  init(_ table: String) {
    var index: [UInt32: UInt32] = [:]
    var storage: [UInt32] = []
    for item in table.split(whereSeparator: \.isWhitespace) {
      let parts = item.split(separator: ":", omittingEmptySubsequences: false)
      let key = UInt32(parts[0], radix: 16)!
      let values = parts[1].split(separator: ",").map { UInt32($0, radix: 16)! }
      index[key] = UInt32(storage.count) << 8 | UInt32(values.count)
      storage.append(contentsOf: values)
    }
    self.index = index
    self.storage = storage
  }

  var keys: Dictionary<UInt32, UInt32>.Keys { index.keys }

  /// Calls `body` with each code point of the replacement (with `scalar` itself if it has none).
  @inline(__always)
  func forEach(_ scalar: UInt32, _ body: (UInt32) -> Void) {
    guard let packed = index[scalar] else {
      body(scalar)
      return
    }
    let start = Int(packed >> 8)
    for index in start..<start + Int(packed & 0xFF) { body(storage[index]) }
  }
}

/// Canonical decomposition of precomposed Hangul syllables into conjoining jamo, which Unicode
/// defines arithmetically rather than by table (Unicode Standard, section 3.12).
enum HangulSyllable {
  static let range: ClosedRange<UInt32> = 0xAC00...0xD7A3
  private static let leadBase: UInt32 = 0x1100
  private static let vowelBase: UInt32 = 0x1161
  private static let trailBase: UInt32 = 0x11A7
  private static let vowelCount: UInt32 = 21
  private static let trailCount: UInt32 = 28

  static func forEachJamo(of scalar: UInt32, _ body: (UInt32) -> Void) {
    let index = scalar - range.lowerBound
    let perLead = vowelCount * trailCount
    body(leadBase + index / perLead)
    body(vowelBase + (index % perLead) / trailCount)
    let trail = index % trailCount
    if trail != 0 { body(trailBase + trail) }
  }
}
