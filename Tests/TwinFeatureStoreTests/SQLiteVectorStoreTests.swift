import Foundation
import Testing
import TwinCore
import TwinFeatureStore

/// Unit vectors from a fixed seed.
func randomVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
  var state = seed
  func next() -> Float {
    state = state &* 6364136223846793005 &+ 1442695040888963407
    return Float(Int64(bitPattern: state >> 11) % 2_000_001 - 1_000_000) / 1_000_000
  }
  return (0..<count).map { _ in
    let v = (0..<dimension).map { _ in next() }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    return v.map { $0 / norm }
  }
}

func temporaryStore() throws -> (SQLiteVectorStore, URL) {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-vs-\(UUID().uuidString)")
  return (try SQLiteVectorStore(directory: dir), dir)
}

func points(_ vectors: [[Float]], prefix: String = "p") -> [VectorPoint] {
  vectors.enumerated().map { i, v in
    VectorPoint(
      id: "\(prefix)\(i)", vector: v,
      payload: [
        "author_id": .string(i % 3 == 0 ? "ada" : "ben"), "platform": .string(i % 2 == 0 ? "medium" : "github"),
        "n": .int(i), "content": .string("text \(i)"),
      ])
  }
}

@Suite struct SQLiteVectorStoreTests {
  @Test func upsertSearchAndDelete() async throws {
    let (store, _) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 8))
    let vectors = randomVectors(50, dimension: 8, seed: 1)
    var batch = VectorWriteBatch()
    batch.upsert(points(vectors), into: "c")
    try await store.write(batch)
    #expect(try await store.count(in: "c", filter: nil) == 50)

    let hits = try await store.search(in: "c", vector: vectors[7], k: 3, filter: nil, efSearch: nil)
    #expect(hits.first?.point.id == "p7")
    #expect(abs((hits.first?.score ?? 0) - 1) < 1e-5)
    #expect(hits.first?.point.payload["content"] == .string("text 7"))

    var delete = VectorWriteBatch()
    delete.delete(["p7"], from: "c")
    try await store.write(delete)
    let after = try await store.search(in: "c", vector: vectors[7], k: 3, filter: nil, efSearch: nil)
    #expect(!after.map(\.point.id).contains("p7"))
    #expect(try await store.count(in: "c", filter: nil) == 49)

    // Upserting an id again replaces its vector and payload.
    var replace = VectorWriteBatch()
    replace.upsert([VectorPoint(id: "p8", vector: vectors[0], payload: ["content": .string("moved")])], into: "c")
    try await store.write(replace)
    let moved = try await store.search(in: "c", vector: vectors[0], k: 2, filter: nil, efSearch: nil)
    #expect(Set(moved.map(\.point.id)) == ["p0", "p8"])
    #expect(try await store.count(in: "c", filter: nil) == 49)
  }

  @Test func filtersReturnOnlyMatchingPayloads() async throws {
    let (store, _) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 16))
    let vectors = randomVectors(3_000, dimension: 16, seed: 2)
    var batch = VectorWriteBatch()
    batch.upsert(points(vectors), into: "c")
    try await store.write(batch)
    let equals = PayloadFilter.equals("author_id", "ada")
    let isIn = PayloadFilter([.isIn(key: "platform", values: [.string("github"), .string("nowhere")])])
    let both = equals.and(.equals(key: "platform", value: .string("medium")))
    for (filter, check) in [
      (equals, { (p: VectorPoint) in p.string("author_id") == "ada" }),
      (isIn, { (p: VectorPoint) in p.string("platform") == "github" }),
      (both, { (p: VectorPoint) in p.string("author_id") == "ada" && p.string("platform") == "medium" }),
    ] {
      for q in 0..<5 {
        let hits = try await store.search(in: "c", vector: vectors[q * 97], k: 10, filter: filter, efSearch: 64)
        #expect(hits.count == 10)
        #expect(hits.allSatisfy { check($0.point) })
      }
      let listed = try await store.points(in: "c", filter: filter, withVectors: false)
      #expect(!listed.isEmpty && listed.allSatisfy(check))
      #expect(try await store.count(in: "c", filter: filter) == listed.count)
    }
    let none = try await store.search(
      in: "c", vector: vectors[0], k: 5, filter: .equals("author_id", "nobody"), efSearch: nil)
    #expect(none.isEmpty)
    let integer = try await store.points(in: "c", filter: PayloadFilter([.equals(key: "n", value: .int(42))]), withVectors: true)
    #expect(integer.map(\.id) == ["p42"])
    #expect(integer.first?.vector?.count == 16)
  }

  @Test func aBatchIsAllOrNothing() async throws {
    let (store, _) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 4))
    try await store.createCollection(.payloadOnly("docs"))
    var batch = VectorWriteBatch()
    batch.upsert([VectorPoint(id: "d1", payload: ["x": .int(1)])], into: "docs")
    batch.upsert([VectorPoint(id: "ok", vector: [1, 0, 0, 0], payload: [:])], into: "c")
    batch.upsert([VectorPoint(id: "bad", vector: [1, 0, 0], payload: [:])], into: "c")
    await #expect(throws: TwinError.self) { try await store.write(batch) }
    #expect(try await store.count(in: "docs", filter: nil) == 0)
    #expect(try await store.count(in: "c", filter: nil) == 0)

    var payloadWithVector = VectorWriteBatch()
    payloadWithVector.upsert([VectorPoint(id: "d2", vector: [1], payload: [:])], into: "docs")
    await #expect(throws: TwinError.self) { try await store.write(payloadWithVector) }
    await #expect(throws: TwinError.self) {
      try await store.search(in: "docs", vector: [1], k: 1, filter: nil, efSearch: nil)
    }
    await #expect(throws: TwinError.self) {
      try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 5))
    }
  }

  @Test func reopensFromSnapshotsAndFromRowsAlone() async throws {
    let (store, dir) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 12))
    let vectors = randomVectors(3_000, dimension: 12, seed: 3)
    var batch = VectorWriteBatch()
    batch.upsert(points(vectors), into: "c")
    try await store.write(batch)
    let query = vectors[123]
    let expected = try await store.search(in: "c", vector: query, k: 10, filter: nil, efSearch: 128).map(\.point.id)
    try await store.flush()
    #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.hnsw").path))

    // Changes after the snapshot are replayed from the rows by the next process.
    var later = VectorWriteBatch()
    later.delete(["p123"], from: "c")
    try await store.write(later)
    let reopened = try SQLiteVectorStore(directory: dir)
    let hits = try await reopened.search(in: "c", vector: query, k: 10, filter: nil, efSearch: 128).map(\.point.id)
    #expect(!hits.contains("p123"))
    #expect(Array(hits.prefix(5)) == Array(expected.dropFirst().prefix(5)))

    // A damaged snapshot is discarded and the graph rebuilt from the rows.
    let snapshot = dir.appendingPathComponent("c.hnsw")
    var bytes = try Data(contentsOf: snapshot)
    bytes[bytes.count / 2] ^= 0xFF
    try bytes.write(to: snapshot)
    let rebuilt = try SQLiteVectorStore(directory: dir)
    let again = try await rebuilt.search(in: "c", vector: query, k: 10, filter: nil, efSearch: 128).map(\.point.id)
    #expect(Array(again.prefix(5)) == Array(hits.prefix(5)))
    let truncated = try Data(contentsOf: snapshot).prefix(100)
    try truncated.write(to: snapshot)
    let fromRows = try SQLiteVectorStore(directory: dir)
    #expect(try await fromRows.search(in: "c", vector: query, k: 3, filter: nil, efSearch: 128).count == 3)
  }

  @Test func otherProcessesWritesArePickedUp() async throws {
    let (writer, dir) = try temporaryStore()
    try await writer.createCollection(VectorCollectionSpec(name: "c", dimension: 8))
    let vectors = randomVectors(100, dimension: 8, seed: 4)
    var first = VectorWriteBatch()
    first.upsert(points(Array(vectors[..<50])), into: "c")
    try await writer.write(first)
    let reader = try SQLiteVectorStore(directory: dir)
    #expect(try await reader.search(in: "c", vector: vectors[60], k: 1, filter: nil, efSearch: nil).first?.point.id != "p60")
    var second = VectorWriteBatch()
    second.upsert(points(vectors), into: "c")
    second.delete(["p1"], from: "c")
    try await writer.write(second)
    #expect(try await reader.search(in: "c", vector: vectors[60], k: 1, filter: nil, efSearch: nil).first?.point.id == "p60")
    #expect(try await reader.search(in: "c", vector: vectors[1], k: 1, filter: nil, efSearch: nil).first?.point.id != "p1")
  }

  @Test func searchesAreServedWhileAWriterAdds() async throws {
    let (store, _) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 16))
    let vectors = randomVectors(6_000, dimension: 16, seed: 5)
    var seed = VectorWriteBatch()
    seed.upsert(points(Array(vectors[..<3_000])), into: "c")
    try await store.write(seed)
    _ = try await store.search(in: "c", vector: vectors[0], k: 1, filter: nil, efSearch: nil)
    let writer = Task {
      for start in stride(from: 3_000, to: 6_000, by: 500) {
        var batch = VectorWriteBatch()
        batch.upsert(
          points(Array(vectors[start..<(start + 500)])).enumerated().map { i, p in
            var p = p
            p.id = "w\(start + i)"
            return p
          }, into: "c")
        try await store.write(batch)
      }
    }
    // Searches keep being answered, and correctly, while the writer's batches are applied.
    for i in 0..<200 {
      let q = (i * 37) % 3_000
      let hits = try await store.search(in: "c", vector: vectors[q], k: 5, filter: nil, efSearch: nil)
      #expect(hits.count == 5)
      #expect(hits.first?.point.id == "p\(q)")
    }
    try await writer.value
    #expect(try await store.count(in: "c", filter: nil) == 6_000)
    let last = try await store.search(in: "c", vector: vectors[5_999], k: 2, filter: nil, efSearch: nil)
    #expect(last.first?.point.id == "w5999")
  }

  @Test func droppingAndRecreatingStartsEmpty() async throws {
    let (store, dir) = try temporaryStore()
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 4))
    var batch = VectorWriteBatch()
    batch.upsert(points(randomVectors(10, dimension: 4, seed: 6)), into: "c")
    try await store.write(batch)
    _ = try await store.search(in: "c", vector: [1, 0, 0, 0], k: 1, filter: nil, efSearch: nil)
    try await store.flush()
    try await store.dropCollection("c")
    try await store.createCollection(VectorCollectionSpec(name: "c", dimension: 4))
    #expect(try await store.search(in: "c", vector: [1, 0, 0, 0], k: 1, filter: nil, efSearch: nil).isEmpty)
    #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("c.hnsw").path))
    await #expect(throws: TwinError.self) { try await store.count(in: "missing", filter: nil) }
  }
}
