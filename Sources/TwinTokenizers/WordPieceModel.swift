/// The WordPiece model: splits one pre-tokenised word into vocabulary pieces, greedy
/// longest-match-first, continuation pieces carrying the `##` prefix — as Hugging Face
/// `tokenizers`' `WordPiece` model does.
///
/// The vocabulary is held as a trie over code points so the longest matching piece is found in a
/// single walk, without building candidate substrings. Walking from the node for "##" is the
/// same as looking up "##" + piece, so continuation pieces need no second trie.
struct WordPieceModel: Sendable {
  let unknownID: Int32
  /// Words longer than this (in code points) become a single unknown token.
  let maxInputCharsPerWord: Int

  private let trie: ScalarTrie
  private let continuationNode: Int32?

  init(
    vocabulary: [String: Int32], unknownID: Int32, continuingSubwordPrefix: String,
    maxInputCharsPerWord: Int
  ) {
    var trie = ScalarTrie()
    for (token, id) in vocabulary {
      trie.insert(token.unicodeScalars.map(\.value), id: id)
    }
    self.trie = trie
    self.unknownID = unknownID
    self.maxInputCharsPerWord = maxInputCharsPerWord
    self.continuationNode = trie.node(for: continuingSubwordPrefix.unicodeScalars.map(\.value))
  }

  /// Appends the ids of the pieces of `text[word]`; a word that cannot be fully segmented, or
  /// is too long, becomes one unknown token.
  @inline(__always)
  func tokenize(_ text: [UInt32], word: Range<Int>, into ids: inout [Int32]) {
    guard word.count <= maxInputCharsPerWord else {
      ids.append(unknownID)
      return
    }
    let firstPiece = ids.count
    var start = word.lowerBound
    while start < word.upperBound {
      let from: Int32? = start == word.lowerBound ? ScalarTrie.root : continuationNode
      guard let from,
        let (id, end) = trie.longestMatch(
          text, from: start, upTo: word.upperBound, startingAt: from)
      else {
        ids.removeSubrange(firstPiece...)
        ids.append(unknownID)
        return
      }
      ids.append(id)
      start = end
    }
  }
}

/// A trie over code points with its edges in one open-addressing hash table, keyed by
/// (node, code point). Compared with a `[String: Int]` lookup per candidate substring this
/// allocates nothing and reads each code point of a word about once.
///
/// Each edge carries the token id of the node it leads to, so one step of a walk reads one
/// 16-byte slot: the vocabulary's trie is megabytes, and cache misses, not instructions, set the
/// speed.
struct ScalarTrie: Sendable {
  static let root: Int32 = 0
  private static let emptyKey = UInt64.max

  private struct Edge {
    var key: UInt64
    var child: Int32
    /// The token that ends at `child`, or -1.
    var tokenID: Int32
  }

  private var edges: [Edge] = []
  private var edgeCount = 0
  private var nodeCount: Int32 = 1
  /// The root's edges for ASCII, the most common first code point, without hashing.
  private var asciiRootEdges = [Edge](
    repeating: Edge(key: emptyKey, child: -1, tokenID: -1), count: 128)

  init() {
    allocate(capacity: 1 << 16)
  }

  mutating func insert(_ scalars: [UInt32], id: Int32) {
    guard !scalars.isEmpty else { return }  // the root spells nothing; "" is never looked up
    var node = Self.root
    for (position, scalar) in scalars.enumerated() {
      let isLast = position == scalars.count - 1
      if let slot = edgeSlot(from: node, scalar) {
        if isLast { setTokenID(id, at: slot, from: node, scalar) }
        node = edge(at: slot, from: node, scalar).child
      } else {
        let child = nodeCount
        nodeCount += 1
        addEdge(
          Edge(key: Self.key(node, scalar), child: child, tokenID: isLast ? id : -1), from: node,
          scalar)
        node = child
      }
    }
  }

  /// The node reached by walking `scalars` from the root, if any.
  func node(for scalars: [UInt32]) -> Int32? {
    var node = Self.root
    for scalar in scalars {
      guard let slot = edgeSlot(from: node, scalar) else { return nil }
      node = edge(at: slot, from: node, scalar).child
    }
    return node
  }

  /// The longest token spelled by `text[start..<k]` (k ≤ `limit`) walking from `node`: its id and
  /// `k`.
  @inline(__always)
  func longestMatch(_ text: [UInt32], from start: Int, upTo limit: Int, startingAt node: Int32)
    -> (id: Int32, end: Int)?
  {
    var node = node
    var best: (id: Int32, end: Int)?
    var index = start
    while index < limit, let slot = edgeSlot(from: node, text[index]) {
      let edge = edge(at: slot, from: node, text[index])
      node = edge.child
      index += 1
      if edge.tokenID >= 0 { best = (edge.tokenID, index) }
    }
    return best
  }

  /// Where the edge for `scalar` out of `node` is: an index into `asciiRootEdges` for the root's
  /// ASCII edges, else into `edges`.
  @inline(__always)
  private func edgeSlot(from node: Int32, _ scalar: UInt32) -> Int? {
    if node == Self.root && scalar < 128 {
      return asciiRootEdges[Int(scalar)].child >= 0 ? Int(scalar) : nil
    }
    let key = Self.key(node, scalar)
    let mask = edges.count - 1
    var slot = Self.slot(for: key, mask: mask)
    while true {
      let found = edges[slot].key
      if found == key { return slot }
      if found == Self.emptyKey { return nil }
      slot = (slot + 1) & mask
    }
  }

  @inline(__always)
  private func edge(at slot: Int, from node: Int32, _ scalar: UInt32) -> Edge {
    node == Self.root && scalar < 128 ? asciiRootEdges[slot] : edges[slot]
  }

  private mutating func setTokenID(_ id: Int32, at slot: Int, from node: Int32, _ scalar: UInt32) {
    if node == Self.root && scalar < 128 {
      asciiRootEdges[slot].tokenID = id
    } else {
      edges[slot].tokenID = id
    }
  }

  private mutating func addEdge(_ edge: Edge, from node: Int32, _ scalar: UInt32) {
    if node == Self.root && scalar < 128 {
      asciiRootEdges[Int(scalar)] = edge
      return
    }
    // Keep the table at most half full so probe sequences stay short.
    if (edgeCount + 1) * 2 > edges.count {
      let old = edges
      allocate(capacity: edges.count * 2)
      for edge in old where edge.key != Self.emptyKey { store(edge) }
    }
    store(edge)
    edgeCount += 1
  }

  private mutating func allocate(capacity: Int) {
    edges = [Edge](repeating: Edge(key: Self.emptyKey, child: -1, tokenID: -1), count: capacity)
  }

  private mutating func store(_ edge: Edge) {
    let mask = edges.count - 1
    var slot = Self.slot(for: edge.key, mask: mask)
    while edges[slot].key != Self.emptyKey { slot = (slot + 1) & mask }
    edges[slot] = edge
  }

  @inline(__always)
  private static func key(_ node: Int32, _ scalar: UInt32) -> UInt64 {
    UInt64(UInt32(bitPattern: node)) << 32 | UInt64(scalar)
  }

  /// Fibonacci hashing: multiply by 2^64/φ and keep the high bits, which mixes both halves.
  @inline(__always)
  private static func slot(for key: UInt64, mask: Int) -> Int {
    Int(truncatingIfNeeded: (key &* 0x9E37_79B9_7F4A_7C15) >> 32) & mask
  }
}
