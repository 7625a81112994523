import Foundation
import Testing
import TwinTestSupport
import TwinGGUF

/// Each way a file can be broken gives its own error naming the file and the key or tensor, and
/// no input — cut short anywhere, or with bytes flipped — can crash the reader.
@Suite struct GGUFValidationTests {
  /// The error of opening `builder`'s bytes.
  func failure(_ builder: GGUFBuilder) throws -> (GGUFError?, String, URL) {
    let url = try builder.write()
    let (error, message) = openFailure(url)
    return (error, message, url)
  }

  @Test func validBuilderFileOpens() throws {
    let file = try GGUFFile(url: GGUFBuilder.valid().write())
    #expect(try file.architecture == "test" && file.int("test.block_count") == 2)
    #expect(try file.matrix(named: "a").dequantizeRow(0) == [1, 2, 3])
    #expect(try file.floats("b") == [4, 5])
    #expect(try file.floats("b", row: 0) == [4, 5])
    #expect(throws: GGUFError.self) { try file.floats("b", row: 1) }
  }

  @Test func badMagicNamesTheFile() throws {
    var builder = GGUFBuilder.valid()
    builder.magic = Array("GGML".utf8)
    let (error, message, url) = try failure(builder)
    #expect(error == .notGGUF(file: url.path, magic: Array("GGML".utf8)))
    #expect(message == "\(url.path): not a GGUF file (the first bytes are 'GGML', expected 'GGUF')")
  }

  @Test func emptyMissingAndDirectoryFiles() throws {
    let empty = try GGUFBuilder.write([])
    #expect(openFailure(empty).0 == .notGGUF(file: empty.path, magic: []))
    let missing = empty.deletingLastPathComponent().appendingPathComponent("absent.gguf")
    guard case .unreadable(let file, _) = openFailure(missing).0 else {
      Issue.record("expected unreadable")
      return
    }
    #expect(file == missing.path)
    #expect(openFailure(empty.deletingLastPathComponent()).1.contains("not a regular file"))
  }

  @Test func unsupportedVersions() throws {
    for version: UInt32 in [0, 1, 4, 0x0300_0000] {
      var builder = GGUFBuilder.valid()
      builder.version = version
      let (error, message, url) = try failure(builder)
      #expect(error == .unsupportedVersion(file: url.path, version: version))
      #expect(message.contains(version == 0x0300_0000 ? "big-endian" : "2 and 3 are supported"))
    }
    var two = GGUFBuilder.valid()
    two.version = 2
    #expect(try GGUFFile(url: two.write()).version == 2)
  }

  @Test func countsLargerThanTheFile() throws {
    var keys = GGUFBuilder.valid()
    keys.keyCount = 1 << 40
    // The third "entry" is read from the tensor table until something gives.
    let (keyError, keyMessage, _) = try failure(keys)
    #expect(keyError != nil && keyMessage.contains("metadata"), "\(keyMessage)")

    var tensors = GGUFBuilder.valid()
    tensors.tensorCount = UInt64.max
    let (_, tensorMessage, _) = try failure(tensors)
    #expect(
      tensorMessage.contains("file is truncated") || tensorMessage.contains("tensor"),
      "\(tensorMessage)")
  }

  @Test func absurdLengthsAreTruncationNotAllocation() throws {
    var string = GGUFBuilder()
    string.add("big.string", typeID: 8, payload: GGUFBuilder.le(UInt64(1) << 62))
    let (_, stringMessage, _) = try failure(string)
    #expect(stringMessage.contains("reading metadata 'big.string'"), "\(stringMessage)")

    var array = GGUFBuilder()
    array.add(
      "big.array", typeID: 9, payload: GGUFBuilder.le(UInt32(4)) + GGUFBuilder.le(UInt64(1) << 60))
    let (_, arrayMessage, _) = try failure(array)
    #expect(arrayMessage.contains("reading metadata 'big.array'"), "\(arrayMessage)")

    var strings = GGUFBuilder()
    strings.add(
      "big.strings", typeID: 9, payload: GGUFBuilder.le(UInt32(8)) + GGUFBuilder.le(UInt64.max))
    #expect(try failure(strings).1.contains("'big.strings'"))

    var key = GGUFBuilder()
    key.entries.append(GGUFBuilder.le(UInt64.max))
    #expect(try failure(key).1.contains("the key of metadata entry 0"))
  }

  @Test func malformedValues() throws {
    var unknown = GGUFBuilder.valid()
    unknown.add("odd.type", typeID: 13, payload: [0])
    let (error, message, url) = try failure(unknown)
    #expect(
      error == .invalidMetadata(file: url.path, key: "odd.type", reason: "unknown value type 13"))
    #expect(message == "\(url.path): invalid metadata 'odd.type': unknown value type 13")

    var unknownElement = GGUFBuilder.valid()
    unknownElement.add(
      "odd.array", typeID: 9, payload: GGUFBuilder.le(UInt32(99)) + GGUFBuilder.le(UInt64(0)))
    #expect(try failure(unknownElement).1.contains("unknown array element type 99"))

    var bool = GGUFBuilder.valid()
    bool.add("odd.bool", typeID: 7, payload: [2])
    #expect(try failure(bool).1.contains("'odd.bool': a bool must be 0 or 1"))

    var bools = GGUFBuilder.valid()
    bools.add(
      "odd.bools", typeID: 9,
      payload: GGUFBuilder.le(UInt32(7)) + GGUFBuilder.le(UInt64(3)) + [1, 0, 5])
    #expect(try failure(bools).1.contains("'odd.bools': a bool must be 0 or 1"))

    var duplicate = GGUFBuilder.valid()
    duplicate.add("test.block_count", uint32: 3)
    #expect(try failure(duplicate).1.contains("metadata key 'test.block_count' appears twice"))
  }

  @Test func nestedArrays() throws {
    // An array of arrays of arrays of uint8, each inner array one element: reads back nested.
    func nested(depth: Int) -> [UInt8] {
      if depth == 0 { return GGUFBuilder.le(UInt32(0)) + GGUFBuilder.le(UInt64(1)) + [7] }
      return GGUFBuilder.le(UInt32(9)) + GGUFBuilder.le(UInt64(1)) + nested(depth: depth - 1)
    }
    var ok = GGUFBuilder.valid()
    ok.add("nested", typeID: 9, payload: nested(depth: 2))
    let file = try GGUFFile(url: ok.write())
    #expect(file.metadata["nested"] == .array(.array([.array([.uint8([7])])])))

    var deep = GGUFBuilder.valid()
    deep.add("deep", typeID: 9, payload: nested(depth: 40))
    #expect(try failure(deep).1.contains("'deep': arrays nested deeper than"))
  }

  @Test func alignmentMustBeAPowerOfTwo() throws {
    var three = GGUFBuilder.valid()
    three.add("general.alignment", uint32: 3)
    #expect(try failure(three).1.contains("'general.alignment': 3 is not a power of two"))
    var text = GGUFBuilder.valid()
    text.add("general.alignment", string: "32")
    #expect(try failure(text).1.contains("'general.alignment': is string, expected uint32"))

    var sixtyFour = GGUFBuilder()
    sixtyFour.alignment = 64
    sixtyFour.add("general.alignment", uint32: 64)
    sixtyFour.addF32Tensor("a", values: [1])
    sixtyFour.addF32Tensor("b", values: [2])
    let file = try GGUFFile(url: sixtyFour.write())
    #expect(file.alignment == 64 && file.dataOffset % 64 == 0)
    #expect(try file.tensor(named: "b").offset == 64 && file.floats("b") == [2])
  }

  @Test func malformedTensorEntries() throws {
    func tensorFailure(_ dimensions: [UInt64], typeID: UInt32 = 0, offset: UInt64 = 0) throws
      -> String
    {
      var builder = GGUFBuilder.valid()
      builder.addTensor("bad.weight", dimensions: dimensions, typeID: typeID, offset: offset)
      return try failure(builder).1
    }
    #expect(
      try tensorFailure([1, 1, 1, 1, 1]).contains(
        "tensor 'bad.weight' is invalid: has 5 dimensions (at most 4)"))
    #expect(
      try tensorFailure([1 << 40, 1 << 40]).contains("tensor 'bad.weight' is invalid: dimensions"))
    #expect(
      try tensorFailure([1 << 62, 4], typeID: 1).contains("'bad.weight' is invalid: dimensions"))
    #expect(
      try tensorFailure([UInt64(1) << 63 + 1]).contains(
        "'bad.weight' is invalid: dimension 9223372036854775809 is too large"))
    #expect(
      try tensorFailure([100, 2], typeID: 12).contains(
        "row length 100 is not a multiple of Q4_K's block size 256"))
    #expect(
      try tensorFailure([4], offset: 3).contains(
        "data offset 3 is not a multiple of the alignment 32"))
    let unknown = try tensorFailure([4], typeID: 99)
    #expect(unknown.hasSuffix("tensor 'bad.weight' has unknown tensor type id 99"), "\(unknown)")
  }

  @Test func duplicateOverlappingAndOutOfBoundsTensors() throws {
    var duplicate = GGUFBuilder.valid()
    duplicate.addTensor("a", dimensions: [1], typeID: 0, offset: 0)
    #expect(try failure(duplicate).1.contains("tensor 'a' appears twice"))

    var overlap = GGUFBuilder.valid()
    overlap.addTensor("c", dimensions: [2], typeID: 0, offset: 0)
    let (error, _, url) = try failure(overlap)
    #expect(error == .overlappingTensors(file: url.path, first: "a", second: "c"))

    var past = GGUFBuilder.valid()
    past.addTensor("c", dimensions: [1000], typeID: 0, offset: 64)
    let (pastError, pastMessage, pastURL) = try failure(past)
    guard case .truncatedData(let file, let tensor, let end, let size) = pastError else {
      Issue.record("\(pastMessage)")
      return
    }
    #expect(file == pastURL.path && tensor == "c" && end > size)
    #expect(pastMessage.contains("file is truncated: tensor 'c' ends at byte"))
  }

  @Test func unsupportedTypesOpenButFailWhenUsed() throws {
    var builder = GGUFBuilder.valid()
    builder.addTensor("q2.weight", dimensions: [256, 1], typeID: 10, offset: 64)
    builder.data += [UInt8](repeating: 0, count: 64 + 84 - builder.data.count)
    let url = try builder.write()
    let file = try GGUFFile(url: url)
    #expect(try file.tensor(named: "q2.weight").type == .q2_K)
    #expect(
      throws: GGUFError.unsupportedTensorType(file: url.path, tensor: "q2.weight", type: .q2_K)
    ) {
      try file.matrix(named: "q2.weight")
    }
    #expect {
      try file.floats("q2.weight")
    } throws: {
      "\($0)".hasPrefix(
        "\(url.path): unsupported tensor type Q2_K in tensor 'q2.weight' (supported: F32, F16, ")
    }
  }

  @Test func everyPrefixOfAFileFailsCleanly() throws {
    let bytes = try [UInt8](Data(contentsOf: Fixtures.tinyURL))
    let full = try GGUFFile(url: Fixtures.tinyURL)
    let dataEnd = full.tensors.map { full.dataOffset + $0.offset + $0.byteCount }.max() ?? 0
    let url = try temporaryDirectory().appendingPathComponent("prefix.gguf")
    // Every length through the header and tensor table, then every 61st through the data.
    let lengths =
      Array(0...full.dataOffset + 1)
      + Array(stride(from: full.dataOffset, to: bytes.count + 1, by: 61))
      + [dataEnd - 1, dataEnd, bytes.count]
    for length in lengths {
      try Data(bytes[0..<length]).write(to: url)
      let (error, message) = openFailure(url)
      if length >= dataEnd {
        #expect(message == "opened", "length \(length): \(message)")
      } else {
        #expect(error != nil, "length \(length): \(message)")
        #expect(message.hasPrefix(url.path), "length \(length): \(message)")
      }
    }
  }

  @Test func flippedHeaderBytesNeverCrash() throws {
    let original = try [UInt8](Data(contentsOf: Fixtures.tinyURL))
    let headerEnd = try GGUFFile(url: Fixtures.tinyURL).dataOffset
    let url = try temporaryDirectory().appendingPathComponent("flipped.gguf")
    var rng = SplitMix64(seed: 77)
    var opened = 0
    for _ in 0..<600 {
      var bytes = original
      for _ in 0..<Int.random(in: 1...4, using: &rng) {
        let at = Int.random(in: 0..<headerEnd, using: &rng)
        bytes[at] ^= UInt8.random(in: 1...255, using: &rng)
      }
      try Data(bytes).write(to: url)
      do {
        let file = try GGUFFile(url: url)
        opened += 1
        for info in file.tensors {
          #expect(file.dataOffset + info.offset + info.byteCount <= file.fileSize)
          _ = file.bytes(of: info).last
        }
      } catch {
        #expect(error.description.hasPrefix(url.path))
      }
    }
    // Most flips land in strings and values that still parse; some must have been caught.
    #expect(opened > 0 && opened < 600)
  }
}
