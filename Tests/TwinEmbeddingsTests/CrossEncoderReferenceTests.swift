import Foundation
import Testing
import TwinTestSupport
import TwinCore
import TwinEmbeddings

/// A tiny random BertForSequenceClassification against PyTorch transformers (fixtures made by
/// Fixtures/make_cross_encoder_fixture.py).
@Suite struct CrossEncoderReferenceTests {
  struct Reference: Decodable {
    struct Pair: Decodable {
      var query: String
      var passage: String
      var input_ids: [Int32]
      var token_type_ids: [Int32]
      var logits: [Float]
    }
    var max_length: Int
    var pairs: [Pair]
  }

  @Test func logitsMatchTransformers() throws {
    let reference = try JSONDecoder().decode(
      Reference.self, from: Data(contentsOf: ModelLocator.fixture("cross_encoder_scores.json")))
    let model = try CrossEncoder(
      modelDirectory: ModelLocator.fixture("tiny_cross_encoder"), maxLength: reference.max_length)
    #expect(model.labelCount == 1)
    for pair in reference.pairs {
      let encoded = model.encodePair(pair.query, pair.passage)
      #expect(encoded.ids == pair.input_ids, "ids for \(pair.query.debugDescription)")
      #expect(encoded.types == pair.token_type_ids)
    }
    let logits = try model.logits(reference.pairs.map { ($0.query, $0.passage) })
    for (got, pair) in zip(logits, reference.pairs) {
      #expect(abs(got[0] - pair.logits[0]) < 1e-4, "logit for \(pair.query.debugDescription): \(got[0]) vs \(pair.logits[0])")
    }
  }

  @Test func anEmbeddingModelIsNotACrossEncoder() throws {
    let error = #expect(throws: TwinError.self) {
      try CrossEncoder(modelDirectory: try PulledModels.directory("minilm"))
    }
    // A missing model fails the expectation above; it must not crash the whole test process.
    if let error { #expect("\(error)".contains("not a sequence-classification")) }
  }

  @Test func aTruncatedWeightsFileIsAClearError() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("twin-tiny-\(UUID().uuidString)")
    try FileManager.default.copyItem(at: ModelLocator.fixture("tiny_cross_encoder"), to: dir)
    let weights = dir.appendingPathComponent("model.safetensors")
    let data = try Data(contentsOf: weights)
    try data.prefix(data.count / 2).write(to: weights)
    #expect {
      try CrossEncoder(modelDirectory: dir)
    } throws: { error in
      "\(error)".contains("model.safetensors")
    }
  }
}
