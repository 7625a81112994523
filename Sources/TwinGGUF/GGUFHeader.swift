/// The parsed front of a GGUF file: version, metadata, tensor table and where data starts.
///
/// Layout (all little-endian): `GGUF`, `uint32` version, `uint64` tensor count, `uint64` metadata
/// count; the metadata entries (string key, `uint32` value type, value); the tensor entries
/// (string name, `uint32` dimension count, `uint64` dimensions innermost first, `uint32` ggml
/// type, `uint64` offset into the data section); padding to `general.alignment` (default 32);
/// the data section. Everything is checked here, so later reads of tensor data stay in the file.
struct GGUFHeader {
  var version: UInt32
  var metadata: [String: GGUFValue] = [:]
  var metadataKeys: [String] = []
  var tensors: [GGUFTensorInfo] = []
  var alignment = GGUFHeader.defaultAlignment
  /// Offset of the data section from the start of the file.
  var dataOffset = 0

  static let defaultAlignment = 32
  /// ggml's `GGML_MAX_DIMS`.
  static let maxDimensions = 4
  /// Arrays of arrays deeper than this are rejected rather than recursed into: real files nest
  /// at most once, and a corrupt file must not exhaust the stack.
  static let maxArrayDepth = 8

  private let file: String
  private let fileSize: Int

  /// Parses and validates the header of the mapped file `bytes`; `file` names it in errors.
  init(bytes: UnsafeRawBufferPointer, file: String) throws(GGUFError) {
    self.file = file
    self.fileSize = bytes.count
    var cursor = ByteCursor(bytes)
    let magic = Array(bytes.prefix(4))
    guard magic == Array("GGUF".utf8) else { throw .notGGUF(file: file, magic: magic) }
    _ = try Self.context("the header", file: file, size: bytes.count) {
      () throws(ByteCursor.Overrun) in
      try cursor.take(4)
    }
    version = try Self.context("the header", file: file, size: bytes.count) {
      () throws(ByteCursor.Overrun) in try cursor.read(UInt32.self)
    }
    guard version == 2 || version == 3 else {
      throw .unsupportedVersion(file: file, version: version)
    }
    let (tensorCount, keyCount) = try Self.context("the header", file: file, size: bytes.count) {
      () throws(ByteCursor.Overrun) in
      (try cursor.read(UInt64.self), try cursor.read(UInt64.self))
    }
    try readMetadata(&cursor, count: keyCount)
    try readAlignment()
    try readTensorTable(&cursor, count: tensorCount)
    try placeData(&cursor)
  }

  // MARK: Metadata

  private mutating func readMetadata(_ cursor: inout ByteCursor, count: UInt64) throws(GGUFError) {
    var index: UInt64 = 0
    while index < count {
      let key = try context("the key of metadata entry \(index)") { () throws(ByteCursor.Overrun) in
        try cursor.readString()
      }
      let value = try readValue(&cursor, key: key)
      guard metadata.updateValue(value, forKey: key) == nil else {
        throw .duplicateKey(file: file, key: key)
      }
      metadataKeys.append(key)
      index += 1
    }
  }

  private func readValue(_ cursor: inout ByteCursor, key: String) throws(GGUFError) -> GGUFValue {
    let typeID = try context("metadata '\(key)'") { () throws(ByteCursor.Overrun) in
      try cursor.read(UInt32.self)
    }
    switch typeID {
    case 9:
      return .array(try readArray(&cursor, key: key, depth: 1))
    default:
      guard let kind = ValueKind(rawValue: typeID) else {
        throw .invalidMetadata(file: file, key: key, reason: "unknown value type \(typeID)")
      }
      return try readScalar(&cursor, kind, key: key)
    }
  }

  /// The GGUF value types that are not arrays, by their type id.
  private enum ValueKind: UInt32 {
    case uint8 = 0
    case int8, uint16, int16, uint32, int32, float32, bool, string
    case uint64 = 10
    case int64, float64

    /// Bytes per element; strings take at least their 8-byte length.
    var minimumSize: Int {
      switch self {
      case .uint8, .int8, .bool: 1
      case .uint16, .int16: 2
      case .uint32, .int32, .float32: 4
      case .uint64, .int64, .float64, .string: 8
      }
    }
  }

  private func readScalar(_ cursor: inout ByteCursor, _ kind: ValueKind, key: String)
    throws(GGUFError) -> GGUFValue
  {
    let value = try context("metadata '\(key)'") { () throws(ByteCursor.Overrun) -> GGUFValue? in
      switch kind {
      case .uint8: .uint8(try cursor.read(UInt8.self))
      case .int8: .int8(try cursor.read(Int8.self))
      case .uint16: .uint16(try cursor.read(UInt16.self))
      case .int16: .int16(try cursor.read(Int16.self))
      case .uint32: .uint32(try cursor.read(UInt32.self))
      case .int32: .int32(try cursor.read(Int32.self))
      case .uint64: .uint64(try cursor.read(UInt64.self))
      case .int64: .int64(try cursor.read(Int64.self))
      case .float32: .float32(try cursor.readFloat())
      case .float64: .float64(try cursor.readDouble())
      case .string: .string(try cursor.readString())
      case .bool:
        switch try cursor.read(UInt8.self) {
        case 0: .bool(false)
        case 1: .bool(true)
        default: nil
        }
      }
    }
    guard let value else {
      throw .invalidMetadata(file: file, key: key, reason: "a bool must be 0 or 1")
    }
    return value
  }

  private func readArray(_ cursor: inout ByteCursor, key: String, depth: Int) throws(GGUFError)
    -> GGUFArray
  {
    guard depth <= Self.maxArrayDepth else {
      throw .invalidMetadata(
        file: file, key: key, reason: "arrays nested deeper than \(Self.maxArrayDepth) levels")
    }
    let (typeID, count) = try context("metadata '\(key)'") { () throws(ByteCursor.Overrun) in
      (try cursor.read(UInt32.self), try cursor.readLength())
    }
    if typeID == 9 {
      // Each inner array takes at least its type and count.
      try context("metadata '\(key)'") { () throws(ByteCursor.Overrun) in
        try cursor.requireElements(count, size: 12)
      }
      var arrays: [GGUFArray] = []
      arrays.reserveCapacity(count)
      for _ in 0..<count { arrays.append(try readArray(&cursor, key: key, depth: depth + 1)) }
      return .array(arrays)
    }
    guard let kind = ValueKind(rawValue: typeID) else {
      throw .invalidMetadata(file: file, key: key, reason: "unknown array element type \(typeID)")
    }
    let array = try context("metadata '\(key)'") { () throws(ByteCursor.Overrun) -> GGUFArray? in
      try cursor.requireElements(count, size: kind.minimumSize)
      switch kind {
      case .uint8: return .uint8(try Self.plainArray(&cursor, count))
      case .int8: return .int8(try Self.plainArray(&cursor, count))
      case .uint16: return .uint16(try Self.plainArray(&cursor, count))
      case .int16: return .int16(try Self.plainArray(&cursor, count))
      case .uint32: return .uint32(try Self.plainArray(&cursor, count))
      case .int32: return .int32(try Self.plainArray(&cursor, count))
      case .uint64: return .uint64(try Self.plainArray(&cursor, count))
      case .int64: return .int64(try Self.plainArray(&cursor, count))
      case .float32: return .float32(try Self.plainArray(&cursor, count))
      case .float64: return .float64(try Self.plainArray(&cursor, count))
      case .string:
        var strings: [String] = []
        strings.reserveCapacity(count)
        for _ in 0..<count { strings.append(try cursor.readString()) }
        return .string(strings)
      case .bool:
        let raw = try cursor.take(count)
        guard raw.allSatisfy({ $0 <= 1 }) else { return nil }
        return .bool(raw.map { $0 == 1 })
      }
    }
    guard let array else {
      throw .invalidMetadata(file: file, key: key, reason: "a bool must be 0 or 1")
    }
    return array
  }

  /// `count` fixed-size little-endian elements copied straight out of the file (this reader
  /// runs on little-endian machines only).
  private static func plainArray<T: BitwiseCopyable>(_ cursor: inout ByteCursor, _ count: Int)
    throws(ByteCursor.Overrun) -> [T]
  {
    let raw = try cursor.take(count * MemoryLayout<T>.stride)
    return [T](unsafeUninitializedCapacity: count) { buffer, initialized in
      if count > 0 { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: raw) }
      initialized = count
    }
  }

  /// `general.alignment`, when present: a power of two, so offsets can be rounded up to it.
  private mutating func readAlignment() throws(GGUFError) {
    let key = "general.alignment"
    guard let value = metadata[key] else { return }
    guard let alignment = value.integer else {
      throw .invalidMetadata(file: file, key: key, reason: "is \(value.typeName), expected uint32")
    }
    guard alignment > 0, alignment & (alignment - 1) == 0, alignment <= 1 << 30 else {
      throw .invalidMetadata(file: file, key: key, reason: "\(alignment) is not a power of two")
    }
    self.alignment = alignment
  }

  // MARK: Tensors

  private mutating func readTensorTable(_ cursor: inout ByteCursor, count: UInt64)
    throws(GGUFError)
  {
    var names = Set<String>()
    var index: UInt64 = 0
    while index < count {
      let name = try context("the name of tensor \(index)") { () throws(ByteCursor.Overrun) in
        try cursor.readString()
      }
      let (dimensionCount, rawDimensions) = try context("tensor '\(name)'") {
        () throws(ByteCursor.Overrun) -> (UInt32, [UInt64]) in
        let n = try cursor.read(UInt32.self)
        var dimensions: [UInt64] = []
        for _ in 0..<min(n, UInt32(Self.maxDimensions)) {
          dimensions.append(try cursor.read(UInt64.self))
        }
        return (n, dimensions)
      }
      guard dimensionCount <= Self.maxDimensions else {
        throw .invalidTensor(
          file: file, tensor: name,
          reason: "has \(dimensionCount) dimensions (at most \(Self.maxDimensions))")
      }
      let (typeID, rawOffset) = try context("tensor '\(name)'") { () throws(ByteCursor.Overrun) in
        (try cursor.read(UInt32.self), try cursor.read(UInt64.self))
      }
      guard let type = GGMLType(rawValue: typeID) else {
        throw .unknownTensorType(file: file, tensor: name, typeID: typeID)
      }
      var dimensions: [Int] = []
      for raw in rawDimensions {
        guard let dimension = Int(exactly: raw) else {
          throw .invalidTensor(file: file, tensor: name, reason: "dimension \(raw) is too large")
        }
        dimensions.append(dimension)
      }
      guard let offset = Int(exactly: rawOffset), offset % alignment == 0 else {
        throw .invalidTensor(
          file: file, tensor: name,
          reason: "data offset \(rawOffset) is not a multiple of the alignment \(alignment)")
      }
      let info: GGUFTensorInfo
      do {
        info = try GGUFTensorInfo(name: name, dimensions: dimensions, type: type, offset: offset)
      } catch {
        throw .invalidTensor(file: file, tensor: name, reason: error.message)
      }
      guard names.insert(name).inserted else { throw .duplicateTensor(file: file, tensor: name) }
      tensors.append(info)
      index += 1
    }
  }

  /// Finds the data section and checks every tensor lies inside the file without overlapping
  /// another. Tensors are checked in data order, so a cut-short file names the first tensor it
  /// lost.
  private mutating func placeData(_ cursor: inout ByteCursor) throws(GGUFError) {
    let tableEnd = cursor.offset
    let padded = (tableEnd + alignment - 1) / alignment * alignment
    dataOffset = padded
    var previous: GGUFTensorInfo?
    var previousEnd = 0
    for info in tensors.sorted(by: { ($0.offset, $0.name) < ($1.offset, $1.name) }) {
      let (start, startOverflow) = dataOffset.addingReportingOverflow(info.offset)
      let (end, endOverflow) = start.addingReportingOverflow(info.byteCount)
      guard !startOverflow, !endOverflow, end <= fileSize else {
        throw .truncatedData(
          file: file, tensor: info.name, end: startOverflow || endOverflow ? Int.max : end,
          fileSize: fileSize)
      }
      if let previous, info.offset < previousEnd, info.byteCount > 0 {
        throw .overlappingTensors(file: file, first: previous.name, second: info.name)
      }
      if info.byteCount > 0 {
        previous = info
        previousEnd = info.offset + info.byteCount
      }
    }
  }

  // MARK: Errors

  /// Runs a read, turning an overrun into a truncation error that says what was being read.
  private func context<T>(
    _ what: @autoclosure () -> String, _ body: () throws(ByteCursor.Overrun) -> T
  )
    throws(GGUFError) -> T
  {
    try Self.context(what(), file: file, size: fileSize, body)
  }

  private static func context<T>(
    _ what: @autoclosure () -> String, file: String, size: Int,
    _ body: () throws(ByteCursor.Overrun) -> T
  ) throws(GGUFError) -> T {
    do {
      return try body()
    } catch {
      throw .truncated(file: file, context: what(), offset: error.needed, fileSize: size)
    }
  }
}
