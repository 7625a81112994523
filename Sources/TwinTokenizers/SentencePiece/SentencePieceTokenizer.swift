/// A SentencePiece-style tokenizer as GGUF's `tokenizer.ggml.model = llama` describes it
/// (Llama 1/2, Mistral, Gemma): score-driven merges over characters, with byte fallback.
///
/// Encoding: split out literal special tokens; optionally prefix a space; write spaces as "▁";
/// start from one symbol per character; repeatedly merge the adjacent pair whose union is the
/// highest-scoring vocabulary entry (leftmost on ties); characters left outside the vocabulary
/// become `<0xAB>` byte tokens.
public struct SentencePieceTokenizer: Sendable {
  public let vocabulary: TokenVocabulary
  /// Whether a space is put before text that starts the input or follows a special token
  /// (`tokenizer.ggml.add_space_prefix`; Llama 2 yes, Gemma no).
  public let addSpacePrefix: Bool
  private let byteIDs: [Int32?]
  /// Ids by UTF-8 bytes. Swift strings compare by canonical equivalence ("é" == "e\u{301}"),
  /// but the vocabulary holds both forms as different tokens, so lookups go by bytes.
  private let idOfBytes: [[UInt8]: Int32]
  private let plainSplitter: SpecialTokenSplitter
  private let specialSplitter: SpecialTokenSplitter

  static let spaceMarker: Unicode.Scalar = "\u{2581}"

  /// `text` with every scalar `from` replaced by `to`. Works on scalars, not characters: a space
  /// followed by a combining mark is one `Character` but still a space to the tokenizer.
  static func replacing(_ from: Unicode.Scalar, with to: Unicode.Scalar, in text: String) -> String {
    var out = String.UnicodeScalarView()
    for scalar in text.unicodeScalars { out.append(scalar == from ? to : scalar) }
    return String(out)
  }

  public init(vocabulary: TokenVocabulary, addSpacePrefix: Bool) {
    self.vocabulary = vocabulary
    self.addSpacePrefix = addSpacePrefix
    let hex = Array("0123456789ABCDEF")
    byteIDs = (0..<256).map { b in vocabulary.idOf["<0x\(hex[b >> 4])\(hex[b & 15])>"] }
    var idOfBytes: [[UInt8]: Int32] = [:]
    idOfBytes.reserveCapacity(vocabulary.count)
    for (i, token) in vocabulary.tokens.enumerated() {
      let key = Array(token.utf8)
      if idOfBytes[key] == nil { idOfBytes[key] = Int32(i) }
    }
    self.idOfBytes = idOfBytes
    plainSplitter = SpecialTokenSplitter(vocabulary.literalTokens(parseSpecial: false))
    specialSplitter = SpecialTokenSplitter(vocabulary.literalTokens(parseSpecial: true))
  }

  /// Token ids of `text`; see ``ByteLevelBPETokenizer/encode(_:addSpecial:parseSpecial:)``.
  public func encode(_ text: String, addSpecial: Bool = true, parseSpecial: Bool = false) -> [Int32] {
    var ids: [Int32] = []
    if addSpecial, vocabulary.addBOS, let bos = vocabulary.bosID { ids.append(bos) }
    var afterSpecial = true
    for segment in (parseSpecial ? specialSplitter : plainSplitter).split(text) {
      switch segment {
      case .token(let id):
        ids.append(id)
        afterSpecial = true
      case .text(let plain):
        let prefixed = addSpacePrefix && afterSpecial ? " " + plain : plain
        ids += encodePlain(Self.replacing(" ", with: Self.spaceMarker, in: prefixed))
        afterSpecial = false
      }
    }
    if addSpecial, vocabulary.addEOS, let eos = vocabulary.eosID { ids.append(eos) }
    return ids
  }

  /// The bytes token `id` stands for: "▁" as a space, `<0xAB>` as its byte; control tokens give
  /// none unless `renderSpecial`.
  public func bytes(of id: Int32, renderSpecial: Bool = false) -> [UInt8] {
    guard id >= 0, Int(id) < vocabulary.count else { return [] }
    let token = vocabulary.tokens[Int(id)]
    switch vocabulary.type(id) {
    case .control, .unknown, .unused: return renderSpecial ? Array(token.utf8) : []
    case .byte:
      // "<0xAB>"
      let digits = token.dropFirst(3).prefix(2)
      return UInt8(digits, radix: 16).map { [$0] } ?? []
    case .userDefined: return Array(token.utf8)
    default: return Array(Self.replacing(Self.spaceMarker, with: " ", in: token).utf8)
    }
  }

  public func decode(_ ids: [Int32], renderSpecial: Bool = false) -> String {
    String(decoding: ids.flatMap { bytes(of: $0, renderSpecial: renderSpecial) }, as: UTF8.self)
  }

  /// Merges over one run of plain text (spaces already written as "▁").
  private func encodePlain(_ text: String) -> [Int32] {
    guard !text.isEmpty else { return [] }
    // Symbols as a doubly linked list over the characters; `text` empty means merged away.
    var symbols = text.unicodeScalars.map { Array(String($0).utf8) }
    var previous = Array(-1..<(symbols.count - 1))
    var next = Array(1...symbols.count)
    next[symbols.count - 1] = -1
    var queue = MergeQueue()
    func consider(_ left: Int, _ right: Int) {
      guard left >= 0, right >= 0 else { return }
      let merged = symbols[left] + symbols[right]
      guard let id = idOfBytes[merged] else { return }
      queue.push(MergeCandidate(score: vocabulary.scores[Int(id)], left: left, right: right, length: merged.count))
    }
    for i in 0..<(symbols.count - 1) { consider(i, i + 1) }
    while let candidate = queue.pop() {
      let (l, r) = (candidate.left, candidate.right)
      // Skip candidates made stale by an earlier merge of either side.
      guard !symbols[l].isEmpty, !symbols[r].isEmpty, next[l] == r,
        symbols[l].count + symbols[r].count == candidate.length
      else { continue }
      symbols[l] += symbols[r]
      symbols[r] = []
      next[l] = next[r]
      if next[r] >= 0 { previous[next[r]] = l }
      consider(previous[l], l)
      consider(l, next[l])
    }
    var ids: [Int32] = []
    var i = 0
    while i >= 0 {
      let symbol = symbols[i]
      if let id = idOfBytes[symbol] {
        ids.append(id)
      } else {
        for byte in symbol {
          if let id = byteIDs[Int(byte)] ?? vocabulary.unknownID { ids.append(id) }
        }
      }
      i = next[i]
    }
    return ids
  }
}

/// A pair of adjacent symbols whose union is a vocabulary entry.
struct MergeCandidate {
  var score: Float
  var left: Int
  var right: Int
  /// UTF-8 length of the union, to recognise candidates whose sides have since grown.
  var length: Int

  /// Higher score first; on equal scores the leftmost pair.
  func precedes(_ other: MergeCandidate) -> Bool {
    score > other.score || (score == other.score && left < other.left)
  }
}

/// A binary heap of merge candidates, best first.
struct MergeQueue {
  private var heap: [MergeCandidate] = []

  mutating func push(_ c: MergeCandidate) {
    heap.append(c)
    var i = heap.count - 1
    while i > 0 {
      let parent = (i - 1) / 2
      guard heap[i].precedes(heap[parent]) else { break }
      heap.swapAt(i, parent)
      i = parent
    }
  }

  mutating func pop() -> MergeCandidate? {
    guard let top = heap.first else { return nil }
    let last = heap.removeLast()
    if !heap.isEmpty {
      heap[0] = last
      var i = 0
      while true {
        let l = 2 * i + 1
        let r = l + 1
        var best = i
        if l < heap.count, heap[l].precedes(heap[best]) { best = l }
        if r < heap.count, heap[r].precedes(heap[best]) { best = r }
        if best == i { break }
        heap.swapAt(i, best)
        i = best
      }
    }
    return top
  }
}
