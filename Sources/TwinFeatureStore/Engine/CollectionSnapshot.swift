import Foundation
import TwinCore
import TwinVectorIndex

/// A collection's in-memory state at one generation, saved so that opening a large collection
/// does not rebuild its graph.
///
/// It is a cache, never the truth: it is written atomically (temporary file, then rename)
/// after the rows it describes are committed, and on open it is only trusted when its epoch
/// matches the collection's and its generation is not ahead of the database. Rows committed
/// after it are replayed on top. A missing, stale or damaged snapshot costs a rebuild, nothing
/// else.
struct CollectionSnapshot: Sendable {
  var epoch: String
  var generation: Int64
  var slotIDs: [String]
  var slotFields: [[String: JSONValue]]
  var index: HNSWIndex

  static let magic: [UInt8] = Array("TWINCOLL".utf8)
  static let formatVersion: UInt32 = 1

  func encoded() -> [UInt8] {
    var out = ByteWriter()
    out.bytes(Self.magic)
    out.u32(Self.formatVersion)
    out.string(epoch)
    out.i64(generation)
    out.u64(UInt64(slotIDs.count))
    for (id, fields) in zip(slotIDs, slotFields) {
      out.string(id)
      out.string(JSONValue.object(fields).canonicalJSON)
    }
    let graph = index.snapshot()
    out.u64(UInt64(graph.count))
    out.bytes(graph)
    out.bytes(Array(SHA256Digest.hex(of: out.buffer).utf8))
    return out.buffer
  }

  /// - Throws: ``TwinError/storage(_:)`` describing what is wrong with `bytes`.
  init(decoding bytes: [UInt8], file: String) throws {
    let digestLength = 64
    guard bytes.count > Self.magic.count + digestLength else { throw TwinError.storage("\(file): truncated snapshot") }
    let body = bytes[..<(bytes.count - digestLength)]
    guard SHA256Digest.hex(of: body) == String(decoding: bytes[(bytes.count - digestLength)...], as: UTF8.self) else {
      throw TwinError.storage("\(file): checksum mismatch (the snapshot is damaged)")
    }
    var input = ByteReader(bytes: Array(body), file: file)
    guard try input.bytes(Self.magic.count) == Self.magic else { throw TwinError.storage("\(file): not a collection snapshot") }
    let version = try input.u32()
    guard version == Self.formatVersion else { throw TwinError.storage("\(file): unsupported snapshot version \(version)") }
    epoch = try input.string()
    generation = try input.i64()
    let count = try input.u64()
    guard count <= UInt64(bytes.count) else { throw TwinError.storage("\(file): impossible slot count \(count)") }
    slotIDs = []
    slotFields = []
    for _ in 0..<count {
      slotIDs.append(try input.string())
      let json = try input.string()
      guard case .object(let fields) = try? JSONDecoder().decode(JSONValue.self, from: Data(json.utf8)) else {
        throw TwinError.storage("\(file): a slot's payload fields are not a JSON object")
      }
      slotFields.append(fields)
    }
    let graphLength = try input.u64()
    index = try HNSWIndex(snapshot: try input.bytes(Int(clamping: graphLength)))
    guard index.slotCount == slotIDs.count else {
      throw TwinError.storage("\(file): graph has \(index.slotCount) slots but the snapshot lists \(slotIDs.count)")
    }
  }

  init(epoch: String, generation: Int64, slotIDs: [String], slotFields: [[String: JSONValue]], index: HNSWIndex) {
    self.epoch = epoch
    self.generation = generation
    self.slotIDs = slotIDs
    self.slotFields = slotFields
    self.index = index
  }
}

/// Little-endian binary output.
struct ByteWriter {
  var buffer: [UInt8] = []
  mutating func bytes(_ b: some Collection<UInt8>) { buffer.append(contentsOf: b) }
  mutating func u32(_ v: UInt32) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
  mutating func u64(_ v: UInt64) { withUnsafeBytes(of: v.littleEndian) { buffer.append(contentsOf: $0) } }
  mutating func i64(_ v: Int64) { u64(UInt64(bitPattern: v)) }
  mutating func string(_ s: String) {
    u64(UInt64(s.utf8.count))
    buffer.append(contentsOf: s.utf8)
  }
}

/// Little-endian binary input that fails cleanly at the end of the data.
struct ByteReader {
  let bytes: [UInt8]
  let file: String
  var offset = 0

  init(bytes: [UInt8], file: String) {
    self.bytes = bytes
    self.file = file
  }

  mutating func bytes(_ n: Int) throws -> [UInt8] {
    guard n >= 0, n <= bytes.count - offset else { throw TwinError.storage("\(file): truncated snapshot") }
    defer { offset += n }
    return Array(bytes[offset..<(offset + n)])
  }

  mutating func u32() throws -> UInt32 {
    try bytes(4).enumerated().reduce(0) { $0 | UInt32($1.element) << (8 * UInt32($1.offset)) }
  }

  mutating func u64() throws -> UInt64 {
    try bytes(8).enumerated().reduce(0) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
  }

  mutating func i64() throws -> Int64 { Int64(bitPattern: try u64()) }

  mutating func string() throws -> String {
    let length = try u64()
    guard length <= UInt64(bytes.count - offset) else { throw TwinError.storage("\(file): truncated snapshot") }
    return String(decoding: try bytes(Int(length)), as: UTF8.self)
  }
}
