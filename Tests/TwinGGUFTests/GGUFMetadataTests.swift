import Foundation
import Testing
import TwinGGUF

/// `tiny.gguf.bin` was written by the `gguf` Python package with one entry of every value type.
@Suite struct GGUFMetadataTests {
  let file: GGUFFile

  init() throws { file = try GGUFFile(url: Fixtures.tinyURL) }

  @Test func header() throws {
    #expect(file.version == 3)
    #expect(try file.architecture == "tiny")
    #expect(file.alignment == 64)
    #expect(file.dataOffset % 64 == 0)
    #expect(file.metadataKeys.first == "general.architecture")
    #expect(file.metadataKeys.count == file.metadata.count)
  }

  @Test func everyValueTypeReadsAsStored() throws {
    #expect(file.metadata["test.uint8"] == .uint8(200))
    #expect(file.metadata["test.int8"] == .int8(-100))
    #expect(file.metadata["test.uint16"] == .uint16(60000))
    #expect(file.metadata["test.int16"] == .int16(-30000))
    #expect(file.metadata["test.uint32"] == .uint32(4_000_000_000))
    #expect(file.metadata["test.int32"] == .int32(-2_000_000_000))
    #expect(file.metadata["test.uint64"] == .uint64(1 << 63 + 5))
    #expect(file.metadata["test.int64"] == .int64(-(1 << 62)))
    #expect(file.metadata["test.float32"] == .float32(0.1))
    #expect(file.metadata["test.float64"] == .float64(0.1))
    #expect(file.metadata["test.bool"] == .bool(true))
    #expect(file.metadata["test.string"] == .string("héllo ✓"))
    #expect(file.metadata["test.strings"] == .array(.string(["a", "", "ünï", "<0x0A>"])))
    #expect(file.metadata["test.int32s"] == .array(.int32([1, -2, 3])))
    #expect(file.metadata["test.float32s"] == .array(.float32([0.5, -1.25, 3])))
    #expect(file.metadata["test.nested"] == .array(.array([.string(["x", "y"]), .string(["z"])])))
    #expect(file.metadata["general.alignment"] == .uint32(64))
  }

  @Test func typedAccessors() throws {
    #expect(try file.int("test.uint8") == 200)
    #expect(try file.int("test.int16") == -30000)
    #expect(try file.int("test.uint32") == 4_000_000_000)
    #expect(try file.int("test.int64") == -(1 << 62))
    #expect(try file.float("test.float32") == 0.1)
    #expect(try file.float("test.float64") == 0.1)
    #expect(try file.float("test.int8") == -100)
    #expect(try file.bool("test.bool"))
    #expect(try file.string("test.string") == "héllo ✓")
    #expect(try file.stringArray("test.strings") == ["a", "", "ünï", "<0x0A>"])
    #expect(try file.intArray("test.int32s") == [1, -2, 3])
    #expect(try file.floatArray("test.float32s") == [0.5, -1.25, 3])
    #expect(try file.array("test.nested").count == 2)
    #expect(file.contains(key: "test.bool") && !file.contains(key: "test.absent"))
  }

  @Test func missingKeyNamesItAndSuggestsTheClosest() {
    #expect {
      try file.int("test.uint9")
    } throws: { error in
      guard case .missingKey(let path, let key, let suggestions) = error as? GGUFError else {
        return false
      }
      return path == Fixtures.tinyURL.path && key == "test.uint9"
        && suggestions.contains("test.uint8")
        && "\(error)".contains("no metadata key 'test.uint9'")
    }
  }

  @Test func wrongTypeNamesKeyAndTypes() {
    #expect {
      try file.string("test.uint32")
    } throws: {
      "\($0)" == "\(Fixtures.tinyURL.path): metadata 'test.uint32' is uint32, expected string"
    }
    #expect {
      try file.int("test.float32")
    } throws: { "\($0)".contains("'test.float32' is float32, expected an integer") }
    #expect {
      try file.int("test.uint64")
    } throws: { "\($0)".contains("'test.uint64' is uint64") }
    #expect {
      try file.stringArray("test.int32s")
    } throws: { "\($0)".contains("'test.int32s' is array[int32], expected array[string]") }
    #expect {
      try file.floatArray("test.strings")
    } throws: { "\($0)".contains("is array[string], expected an array of floats") }
    #expect {
      try file.bool("test.string")
    } throws: { "\($0)".contains("is string, expected bool") }
  }

  @Test func tensorTable() throws {
    #expect(file.tensors.map(\.name) == Fixtures.typeNames.map { $0.lowercased() })
    let q4k = try file.tensor(named: "q4_k")
    #expect(q4k.type == .q4_K)
    #expect(q4k.dimensions == [512, 3])
    #expect(q4k.shape == [3, 512])
    #expect(q4k.rowLength == 512 && q4k.rowCount == 3)
    #expect(q4k.byteCount == 3 * 2 * 144 && q4k.rowByteCount == 2 * 144)
    #expect(q4k.offset % 64 == 0)
    let f16 = try file.tensor(named: "f16")
    #expect(f16.type == .f16 && f16.dimensions == [45, 5] && f16.byteCount == 450)
    for info in file.tensors {
      let bytes = file.bytes(of: info)
      #expect(bytes.count == info.byteCount)
    }
    #expect(file.contains(tensor: "q8_0") && !file.contains(tensor: "q8_1"))
    #expect {
      try file.tensor(named: "q4_kk")
    } throws: {
      "\($0)".hasPrefix("\(Fixtures.tinyURL.path): no tensor named 'q4_kk' (closest: q4_k, ")
    }
  }

  @Test func ggmlTypeTable() {
    #expect(GGMLType.q4_K.description == "Q4_K" && GGMLType.iq2_xxs.description == "IQ2_XXS")
    #expect(GGMLType(name: "q6_k") == .q6_K && GGMLType(name: "bf16") == .bf16)
    #expect(GGMLType(name: "Q9_0") == nil)
    #expect(GGMLType.q4_0.blockSize == 32 && GGMLType.q4_0.bytesPerBlock == 18)
    #expect(GGMLType.q5_K.blockSize == 256 && GGMLType.q5_K.bytesPerBlock == 176)
    #expect(GGMLType.q6_K.bytesPerBlock == 210 && GGMLType.q8_K.bytesPerBlock == 292)
    #expect(GGMLType.q4_K.byteCount(elements: 512) == 288)
    #expect(GGMLType.q4_K.byteCount(elements: 100) == nil)
    #expect(GGMLType.allCases.filter(\.isSupported).count == 11)
  }
}
