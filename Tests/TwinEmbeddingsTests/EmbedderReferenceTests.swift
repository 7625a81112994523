import Foundation
import Testing
import TwinTestSupport
import TwinEmbeddings

/// all-MiniLM-L6-v2 against sentence-transformers' own output (fixtures made by
/// Fixtures/make_embedding_fixtures.py).
@Suite struct EmbedderReferenceTests {
  struct Reference: Decodable {
    struct Entry: Decodable {
      var text: String
      var tokens: Int
      var vector: String
    }
    var dimension: Int
    var entries: [Entry]
  }

  static func reference() throws -> Reference {
    let data = try Data(contentsOf: ModelLocator.fixture("minilm_embeddings.json"))
    return try JSONDecoder().decode(Reference.self, from: data)
  }

  static func floats(_ base64: String) -> [Float] {
    let data = Data(base64Encoded: base64)!
    return data.withUnsafeBytes { raw in
      (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
    }
  }

  static func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var dot = 0.0
    var na = 0.0
    var nb = 0.0
    for i in a.indices {
      dot += Double(a[i]) * Double(b[i])
      na += Double(a[i]) * Double(a[i])
      nb += Double(b[i]) * Double(b[i])
    }
    return dot / (na.squareRoot() * nb.squareRoot())
  }

  @Test func matchesSentenceTransformersOnEveryFixture() async throws {
    let embedder = try Embedder(modelDirectory: try PulledModels.directory("minilm"))
    let reference = try Self.reference()
    #expect(reference.entries.count >= 200)
    #expect(embedder.dimension == reference.dimension)
    #expect(embedder.maxSequenceLength == 256)
    let vectors = try await embedder.embed(reference.entries.map(\.text))
    var worst = (cosine: 1.0, text: "")
    for (entry, vector) in zip(reference.entries, vectors) {
      #expect(embedder.tokenize(entry.text).count == entry.tokens, "token count of \(entry.text.debugDescription)")
      let c = Self.cosine(vector, Self.floats(entry.vector))
      if c < worst.cosine { worst = (c, entry.text) }
    }
    #expect(worst.cosine >= 0.9999, "worst cosine \(worst.cosine) for \(worst.text.debugDescription)")
  }

  @Test func quickBrownFoxStartsWithTheKnownValues() async throws {
    let embedder = try Embedder(modelDirectory: try PulledModels.directory("minilm"))
    let v = try await embedder.embed(["The quick brown fox jumps over the lazy dog."])[0]
    let expected: [Float] = [0.043934, 0.058934, 0.048178, 0.077548, 0.026744]
    for (got, want) in zip(v.prefix(5), expected) {
      #expect(abs(got - want) < 2e-6, "\(Array(v.prefix(5)))")
    }
    let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
    #expect(abs(norm - 1) < 1e-5)
  }

  @Test func batchingDoesNotChangeResults() async throws {
    let dir = try PulledModels.directory("minilm")
    let texts = try Self.reference().entries.prefix(40).map(\.text)
    let one = try await Embedder(modelDirectory: dir, batchSize: 1).embed(texts)
    let many = try await Embedder(modelDirectory: dir, batchSize: 32).embed(texts)
    for (a, b) in zip(one, many) {
      #expect(Self.cosine(a, b) > 0.999999)
    }
  }

  @Test func forwardFLOPsCountTheProductsOfMiniLM() throws {
    let config = try Embedder(modelDirectory: try PulledModels.directory("minilm")).config
    // Per layer and token: Q/K/V 384×1152, output 384×384, FFN 384×1536 and 1536×384 weights,
    // two FLOPs each (3,538,944), plus Q·Kᵀ and P·V over 10 tokens (4 · 10 · 384 = 15,360).
    #expect(config.forwardFLOPs(tokens: 10) == 6 * 10 * (3_538_944 + 15_360))
    #expect(config.forwardFLOPs(tokens: 0) == 0)
  }
}
