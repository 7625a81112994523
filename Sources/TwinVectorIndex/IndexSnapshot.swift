import Synchronization

/// The snapshot format of an ``HNSWIndex``: everything needed to rebuild the graph exactly.
///
/// ```
/// offset  size  field (little-endian)
///      0     8  magic "TWINHNSW"
///      8     4  format version (1)
///     12     4  dimension
///     16     1  metric (0 cosine, 1 dot, 2 l2), then 3 zero bytes
///     20     4  m
///     24     4  efConstruction
///     28     4  efSearch
///     32     8  seed
///     40     8  slot count N
///     48     8  deleted count
///     56     8  entry node (−1 when empty)
///     64     4  entry level (−1 when empty)
///     68     4  zero
///     72        N × dimension float32: the stored vectors (normalised for cosine)
///               N bytes: levels
///               N bytes: deleted flags (0 or 1)
///               N × (1 + 2m) uint32: layer-0 lists (count, links, zero padding)
///               for each node, for levels 1...its level: (1 + m) uint32 lists, same layout
///  end − 8     8  checksum of everything before it (``SnapshotChecksum``)
/// ```
///
/// Decoding validates everything a corrupted or forged snapshot could get wrong before the
/// graph uses it — sizes, counts, link targets (in range, and present on the level they are
/// linked on), levels and the entry point — so bad bytes throw instead of crashing a search.
enum IndexSnapshot {
  static let magic: [UInt8] = Array("TWINHNSW".utf8)
  static let version: UInt32 = 1
  static let headerSize = 72
  static let checksumSize = 8
  /// The largest dimension a snapshot may declare; keeps size arithmetic far from overflow.
  static let maximumDimension = 1 << 20

  // MARK: Encoding

  static func encode(_ graph: HNSWGraph) -> [UInt8] {
    let view = graph.view
    let n = graph.count
    let d = graph.dimension
    let m = graph.parameters.m
    var upperWords = 0
    for node in 0..<n { upperWords += view.level(node) * view.upperStride }
    let total =
      headerSize + n * d * 4 + 2 * n + n * view.level0Stride * 4 + upperWords * 4 + checksumSize
    let entry = graph.entry.withLock { $0 }

    return [UInt8](unsafeUninitializedCapacity: total) { buffer, initialized in
      var out = ByteWriter(UnsafeMutableRawPointer(buffer.baseAddress!))
      out.put(magic)
      out.put(version)
      out.put(UInt32(d))
      out.put(graph.metric.snapshotCode)
      out.put([0, 0, 0])
      out.put(UInt32(m))
      out.put(UInt32(clamping: graph.parameters.efConstruction))
      out.put(UInt32(clamping: graph.parameters.efSearch))
      out.put(graph.parameters.seed)
      out.put(UInt64(n))
      out.put(UInt64(graph.tombstones.count))
      out.put(Int64(entry.node))
      out.put(Int32(entry.level))
      out.put(UInt32(0))
      for node in 0..<n { out.putFloats(view.vector(node), count: d) }
      for node in 0..<n { out.put(view.levels[node]) }
      for node in 0..<n { out.put(UInt8(view.deleted[node] ? 1 : 0)) }
      for node in 0..<n { putList(&out, view.list(node, level: 0), capacity: view.maxLinks0) }
      for node in 0..<n {
        for level in stride(from: 1, through: view.level(node), by: 1) {
          putList(&out, view.list(node, level: level), capacity: view.maxLinks)
        }
      }
      let body = UnsafeRawBufferPointer(start: buffer.baseAddress!, count: out.offset)
      out.put(SnapshotChecksum.compute(body))
      precondition(out.offset == total, "snapshot size miscomputed")
      initialized = total
    }
  }

  /// A list's count and links, with the unused slots written as zeros (so equal graphs give
  /// equal bytes whatever stale links pruning left behind).
  private static func putList(
    _ out: inout ByteWriter, _ list: UnsafeMutablePointer<UInt32>, capacity: Int
  ) {
    let count = Int(list[0])
    out.put(list[0])
    for j in 0..<capacity { out.put(j < count ? list[1 + j] : 0) }
  }

  // MARK: Decoding

  /// The header fields.
  private struct Header {
    var dimension: Int
    var metric: VectorMetric
    var parameters: HNSWParameters
    var slotCount: Int
    var deletedCount: Int
    var entry: EntryPoint

    var level0Stride: Int { 1 + 2 * parameters.m }
    var upperStride: Int { 1 + parameters.m }
    var vectorsOffset: Int { IndexSnapshot.headerSize }
    var levelsOffset: Int { vectorsOffset + slotCount * dimension * 4 }
    var deletedOffset: Int { levelsOffset + slotCount }
    var level0Offset: Int { deletedOffset + slotCount }
    var upperOffset: Int { level0Offset + slotCount * level0Stride * 4 }
  }

  static func decode(_ bytes: [UInt8]) throws -> HNSWGraph {
    try bytes.withUnsafeBytes { raw in
      try checkMagicAndVersion(raw)
      guard raw.count >= headerSize + checksumSize else {
        throw VectorIndexError.snapshotTruncated(
          needed: headerSize + checksumSize, available: raw.count)
      }
      let headerResult = Result { try readHeader(raw) }
      let body = UnsafeRawBufferPointer(rebasing: raw[0..<(raw.count - checksumSize)])
      let stored = UInt64(
        littleEndian: raw.loadUnaligned(fromByteOffset: raw.count - checksumSize, as: UInt64.self))
      let computed = SnapshotChecksum.compute(body)
      if stored != computed {
        // A short file also fails the checksum; name the likelier cause when the header says so.
        if case .success(let header) = headerResult, let expected = expectedLength(header, raw),
          expected > raw.count
        {
          throw VectorIndexError.snapshotTruncated(needed: expected, available: raw.count)
        }
        throw VectorIndexError.snapshotChecksumMismatch(stored: stored, computed: computed)
      }
      let header = try headerResult.get()
      guard let expected = expectedLength(header, raw) else {
        throw VectorIndexError.snapshotTruncated(needed: header.upperOffset, available: raw.count)
      }
      guard expected == raw.count else {
        if expected > raw.count {
          throw VectorIndexError.snapshotTruncated(needed: expected, available: raw.count)
        }
        throw VectorIndexError.snapshotInconsistent(
          "\(raw.count - expected) bytes beyond the end of the links")
      }
      return try restore(header, raw)
    }
  }

  private static func checkMagicAndVersion(_ raw: UnsafeRawBufferPointer) throws {
    let prefix = min(raw.count, magic.count)
    guard raw.prefix(prefix).elementsEqual(magic.prefix(prefix)) else {
      throw VectorIndexError.snapshotBadMagic
    }
    guard raw.count >= magic.count + 4 else {
      throw VectorIndexError.snapshotTruncated(
        needed: headerSize + checksumSize, available: raw.count)
    }
    let found = UInt32(
      littleEndian: raw.loadUnaligned(fromByteOffset: magic.count, as: UInt32.self))
    guard found == version else {
      throw VectorIndexError.snapshotUnsupportedVersion(found: found, supported: version)
    }
  }

  private static func readHeader(_ raw: UnsafeRawBufferPointer) throws -> Header {
    var reader = ByteReader(raw)
    try reader.skip(magic.count + 4)
    let dimension = try reader.read(UInt32.self)
    let metricCode = try reader.read(UInt8.self)
    try reader.skip(3)
    let m = try reader.read(UInt32.self)
    let efConstruction = try reader.read(UInt32.self)
    let efSearch = try reader.read(UInt32.self)
    let seed = try reader.read(UInt64.self)
    let slotCount = try reader.read(UInt64.self)
    let deletedCount = try reader.read(UInt64.self)
    let entryNode = try reader.read(Int64.self)
    let entryLevel = try reader.read(Int32.self)

    guard dimension >= 1, dimension <= maximumDimension else {
      throw inconsistent("dimension \(dimension) is outside 1...\(maximumDimension)")
    }
    guard let metric = VectorMetric(snapshotCode: metricCode) else {
      throw inconsistent("unknown metric code \(metricCode)")
    }
    let parameters = HNSWParameters(
      m: Int(m), efConstruction: Int(efConstruction), efSearch: Int(efSearch), seed: seed)
    if let problem = parameters.problem { throw inconsistent(problem) }
    guard slotCount <= UInt64(HNSWGraph.maximumSlots) else {
      throw inconsistent("slot count \(slotCount) exceeds \(HNSWGraph.maximumSlots)")
    }
    guard deletedCount <= slotCount else {
      throw inconsistent("\(deletedCount) deleted slots but only \(slotCount) slots")
    }
    let n = Int(slotCount)
    if n == 0 {
      guard entryNode == -1, entryLevel == -1 else {
        throw inconsistent("an empty index has entry point \(entryNode) at level \(entryLevel)")
      }
    } else {
      guard entryNode >= 0, entryNode < Int64(n), entryLevel >= 0,
        entryLevel <= Int32(GraphLinks.maximumLevel)
      else {
        throw inconsistent("entry point \(entryNode) at level \(entryLevel) is invalid")
      }
    }
    return Header(
      dimension: Int(dimension), metric: metric, parameters: parameters, slotCount: n,
      deletedCount: Int(deletedCount),
      entry: EntryPoint(node: Int(entryNode), level: Int(entryLevel)))
  }

  /// The snapshot size the header and levels imply, or nil when the levels are not all there
  /// (sizes cannot overflow: every factor is bounded by the header checks).
  private static func expectedLength(_ header: Header, _ raw: UnsafeRawBufferPointer) -> Int? {
    guard raw.count >= header.levelsOffset + header.slotCount else { return nil }
    var upperWords = 0
    for node in 0..<header.slotCount {
      upperWords += Int(raw[header.levelsOffset + node]) * header.upperStride
    }
    return header.upperOffset + upperWords * 4 + checksumSize
  }

  /// Builds the graph from a snapshot whose size and checksum are verified, validating its
  /// contents.
  private static func restore(_ header: Header, _ raw: UnsafeRawBufferPointer) throws -> HNSWGraph {
    let n = header.slotCount
    let d = header.dimension
    let graph = HNSWGraph(dimension: d, metric: header.metric, parameters: header.parameters)
    graph.reserve(n)

    var topLevel = -1
    var deletedSeen = 0
    let vector = UnsafeMutablePointer<Float>.allocate(capacity: d)
    defer { vector.deallocate() }
    var vectors = ByteReader(raw)
    try vectors.skip(header.vectorsOffset)
    for node in 0..<n {
      for i in 0..<d { vector[i] = Float(bitPattern: vectors.readUnchecked(UInt32.self)) }
      let level = Int(raw[header.levelsOffset + node])
      guard level <= GraphLinks.maximumLevel else {
        throw inconsistent("slot \(node) has level \(level) (at most \(GraphLinks.maximumLevel))")
      }
      let flag = raw[header.deletedOffset + node]
      guard flag <= 1 else { throw inconsistent("slot \(node) has deletion flag \(flag)") }
      graph.appendRestoredNode(vector: vector, level: level, deleted: flag == 1)
      topLevel = max(topLevel, level)
      deletedSeen += Int(flag)
    }
    guard deletedSeen == header.deletedCount else {
      throw inconsistent("header counts \(header.deletedCount) deleted slots, flags \(deletedSeen)")
    }
    if n > 0 {
      guard graph.links.level(header.entry.node) == header.entry.level,
        header.entry.level == topLevel
      else {
        throw inconsistent(
          "entry point \(header.entry.node) at level \(header.entry.level) is not a top-level node (top level \(topLevel))"
        )
      }
    }

    let view = graph.view
    var lists = ByteReader(raw)
    try lists.skip(header.level0Offset)
    for node in 0..<n {
      try readList(
        &lists, into: view.list(node, level: 0), capacity: view.maxLinks0, owner: node, level: 0,
        view: view)
    }
    for node in 0..<n {
      for level in stride(from: 1, through: view.level(node), by: 1) {
        try readList(
          &lists, into: view.list(node, level: level), capacity: view.maxLinks, owner: node,
          level: level, view: view)
      }
    }
    graph.entry.withLock { $0 = header.entry }
    return graph
  }

  /// Reads one list (size already verified), checking its count and that every link names
  /// another slot present on `level`.
  private static func readList(
    _ reader: inout ByteReader, into list: UnsafeMutablePointer<UInt32>, capacity: Int,
    owner: Int, level: Int, view: GraphView
  ) throws {
    let count = Int(reader.readUnchecked(UInt32.self))
    guard count <= capacity else {
      throw inconsistent("slot \(owner) has \(count) links on level \(level) (at most \(capacity))")
    }
    list[0] = UInt32(count)
    for j in 0..<capacity {
      let target = reader.readUnchecked(UInt32.self)
      guard j < count else { continue }
      let t = Int(target)
      guard t < view.count, t != owner, view.level(t) >= level else {
        throw inconsistent(
          "slot \(owner) links to slot \(target) on level \(level), which is not there")
      }
      list[1 + j] = target
    }
  }

  private static func inconsistent(_ why: String) -> VectorIndexError {
    .snapshotInconsistent(why)
  }
}
