import Foundation
import Testing
import TwinWeights

@Suite struct SafetensorsReadTests {
  @Test func readsF32ExactlyIncludingSpecialValues() throws {
    let values: [Float] = [
      1, -2.5, .leastNonzeroMagnitude, -.leastNormalMagnitude, .infinity, -.infinity, 0, -0.0,
      3.1415927,
    ]
    var fixture = SafetensorsFixture()
    fixture.add("w", f32: values, shape: [3, 3])
    let file = try SafetensorsFile(url: fixture.write())
    let read = try file.floats("w")
    #expect(read.map(\.bitPattern) == values.map(\.bitPattern))
    #expect(
      try file.info("w") == TensorInfo(name: "w", dtype: .f32, shape: [3, 3], byteRange: 0..<36))
  }

  @Test func readsF16ExactlyIncludingSubnormalsInfinitiesAndNaN() throws {
    let cases: [(UInt16, Float)] = [
      (0x3C00, 1), (0xC000, -2), (0x3555, 0.333251953125), (0x7BFF, 65504), (0x8000, -0.0),
      (0x0001, 0x1p-24),  // smallest subnormal
      (0x03FF, 1023 * 0x1p-24),  // largest subnormal
      (0x8001, -0x1p-24), (0x0400, 0x1p-14),  // smallest normal
      (0x7C00, .infinity), (0xFC00, -.infinity),
    ]
    var fixture = SafetensorsFixture()
    fixture.add(
      "h", halfBits: cases.map(\.0) + [0x7E00, 0xFE01], dtype: "F16", shape: [cases.count + 2])
    let read = try SafetensorsFile(url: fixture.write()).floats("h")
    #expect(Array(read.prefix(cases.count)).map(\.bitPattern) == cases.map(\.1.bitPattern))
    #expect(read[cases.count].isNaN && read[cases.count].sign == .plus)
    #expect(read[cases.count + 1].isNaN && read[cases.count + 1].sign == .minus)
  }

  @Test func readsBF16AsTheUpperHalfOfAFloat() throws {
    let cases: [(UInt16, Float)] = [
      (0x3F80, 1), (0xC020, -2.5), (0x0001, Float(bitPattern: 0x0001_0000)),  // subnormal
      (0x7F80, .infinity), (0xFF80, -.infinity), (0x4049, 3.140625), (0x8000, -0.0),
    ]
    var fixture = SafetensorsFixture()
    fixture.add("b", halfBits: cases.map(\.0) + [0x7FC1], dtype: "BF16", shape: [2, 4])
    let read = try SafetensorsFile(url: fixture.write()).floats("b")
    #expect(Array(read.prefix(cases.count)).map(\.bitPattern) == cases.map(\.1.bitPattern))
    #expect(read.last!.isNaN && read.last!.bitPattern == 0x7FC1_0000)
  }

  @Test func convertsIntoACallersBufferAndChecksItsSize() throws {
    var fixture = SafetensorsFixture()
    fixture.add("a", f32: [9, 9], shape: [2])
    fixture.add("h", halfBits: [0x3C00, 0x4000, 0x4200], dtype: "F16", shape: [3])
    let file = try SafetensorsFile(url: fixture.write())
    var out = [Float](repeating: 0, count: 3)
    try out.withUnsafeMutableBufferPointer { try file.floats("h", into: $0) }
    #expect(out == [1, 2, 3])
    var short = [Float](repeating: 0, count: 2)
    #expect {
      try short.withUnsafeMutableBufferPointer { try file.floats("h", into: $0) }
    } throws: { error in
      "\(error)".contains("'h' has 3 elements but the destination holds 2")
    }
  }

  @Test func exposesNamesInDataOrderMetadataAndRawBytes() throws {
    var fixture = SafetensorsFixture()
    fixture.metadata = ["format": "pt", "note": "x"]
    fixture.add("z.first", "I64", [2], le(Int64(7)) + le(Int64(-1)))
    fixture.add("a.second", f32: [0.5], shape: [])
    fixture.add("empty", "F32", [0, 4], [])
    let file = try SafetensorsFile(url: fixture.write())
    #expect(file.tensorNames == ["z.first", "a.second", "empty"])
    #expect(file.metadata == ["format": "pt", "note": "x"])
    #expect(Array(try file.rawBytes("z.first")) == le(Int64(7)) + le(Int64(-1)))
    #expect(try file.withRawBytes("z.first") { $0.count } == 16)
    #expect(try file.floats("a.second") == [0.5])
    #expect(try file.info("a.second").shape == [])
    #expect(try file.floats("empty").isEmpty)
    #expect(file.contains("empty") && !file.contains("nope"))
    #expect(throws: SafetensorsError.self) { try file.floats("z.first") }
  }

  @Test func readsConcurrentlyFromSeveralTasks() async throws {
    var fixture = SafetensorsFixture()
    for i in 0..<8 { fixture.add("t\(i)", f32: (0..<1000).map { Float($0 + i) }, shape: [1000]) }
    let file = try SafetensorsFile(url: fixture.write())
    let sums = try await withThrowingTaskGroup(of: Float.self) { group in
      for i in 0..<8 { group.addTask { try file.floats("t\(i)").reduce(0, +) } }
      return try await group.reduce(into: [Float]()) { $0.append($1) }
    }
    let expected: [Float] = (0..<8).map { i in Float(499_500 + 1000 * i) }
    #expect(sums.sorted() == expected)
  }
}
