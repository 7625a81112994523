import Foundation
import Testing
import TwinCore
import TwinGGUF
import TwinLLM

/// The engine against llama.cpp on the same GGUF files (fixtures made by
/// Fixtures/make_generation_fixtures.py with llama-cpp-python): greedy continuations must be
/// identical, and next-token predictions over a 256-token text must agree.
@Suite(.serialized) struct GenerationReferenceTests {
  struct Reference: Decodable {
    struct Greedy: Decodable {
      var prompt: String
      var prompt_ids: [Int32]
      var greedy_ids: [Int32]
    }
    var greedy: [Greedy]
    var logits_text_ids: [Int32]
    var top5_ids: [[Int32]]
    var top5_logits: [[Float]]
  }

  static let references: [String: Reference] = {
    let data = try! Data(contentsOf: ModelFiles.fixture("generation_reference.json"))
    return try! JSONDecoder().decode([String: Reference].self, from: data)
  }()

  /// The model runs off the cooperative pool (``BlockingWork``): seconds of forward passes on a
  /// pool thread would stall other suites' servers and timeouts.
  func greedy(_ model: any DecoderModel, prompt: [Int32], count: Int) async throws -> [Int32] {
    try await BlockingWork.run { try Self.greedySync(model, prompt: prompt, count: count) }
  }

  static func greedySync(_ model: any DecoderModel, prompt: [Int32], count: Int) throws -> [Int32] {
    let cache = KVCache(hyperparameters: model.hyperparameters, capacity: prompt.count + count)
    var logits = try model.forward(prompt, cache: cache, allLogits: false)
    var out: [Int32] = []
    for _ in 0..<count {
      let next = Sampler.argmax(logits)
      out.append(next)
      logits = try model.forward([next], cache: cache, allLogits: false)
    }
    return out
  }

  func check(_ files: (String, String)) async throws {
    let file = try ModelFiles.open(files)
    let tokenizer = try LLMTokenizer.load(from: file)
    let model = try DecoderModels.load(file)
    let reference = try #require(Self.references[files.0])
    for g in reference.greedy {
      #expect(tokenizer.encode(g.prompt, parseSpecial: true) == g.prompt_ids)
      let ours = try await greedy(model, prompt: g.prompt_ids, count: 16)
      #expect(ours == g.greedy_ids, "\(files.0): \(g.prompt.debugDescription): \(ours) vs \(g.greedy_ids)")
    }
    // Next-token agreement over the long text, in one batched prefill.
    let ids = reference.logits_text_ids
    let logits = try await BlockingWork.run {
      try model.forward(ids, cache: KVCache(hyperparameters: model.hyperparameters, capacity: ids.count), allLogits: true)
    }
    let vocabulary = model.hyperparameters.vocabulary
    var agree = 0
    var largestDifference: Float = 0
    for t in 0..<ids.count {
      let row = Array(logits[(t * vocabulary)..<((t + 1) * vocabulary)])
      let ours = Sampler.argmax(row)
      if ours == reference.top5_ids[t][0] {
        agree += 1
      } else if ProcessInfo.processInfo.environment["TWIN_DEBUG_LOGITS"] != nil {
        print(
          "position \(t) (token \(ids[t])): ours \(ours) \(row[Int(ours)]), reference \(reference.top5_ids[t]) \(reference.top5_logits[t]), ours at those \(reference.top5_ids[t].map { row[Int($0)] })"
        )
      }
      var rowDifference: Float = 0
      for (id, value) in zip(reference.top5_ids[t], reference.top5_logits[t]) {
        rowDifference = max(rowDifference, abs(row[Int(id)] - value))
      }
      largestDifference = max(largestDifference, rowDifference)
      if ProcessInfo.processInfo.environment["TWIN_DEBUG_LOGITS"] != nil, t < 12 || t % 32 == 0 {
        print("position \(t): |Δ| \(rowDifference)  ours \(row[Int(reference.top5_ids[t][0])]) ref \(reference.top5_logits[t][0])")
      }
    }
    let rate = Double(agree) / Double(ids.count)
    print("\(files.0): top-1 agreement \(agree)/\(ids.count), largest |logit difference| \(largestDifference)")
    #expect(rate >= 0.99, "\(files.0): top-1 agreement \(rate)")
    // The engine follows llama.cpp's arithmetic to the bit; the fixture's logits are rounded
    // to five decimals, so anything above that is a departure.
    #expect(largestDifference < 1e-4, "\(files.0): largest |logit difference| \(largestDifference)")
  }

  /// Gemma 3's local layers over a prompt longer than their 512-token window, in one pass and
  /// in two: the windows then start at positions that are not multiples of eight, and the last
  /// position (whose inputs pass through every earlier position's keys and values) must come
  /// out the same.
  @Test func gemma3SlidingWindowPrefillInTwoPasses() async throws {
    let file = try ModelFiles.open(ModelFiles.gemma3)
    let model = try DecoderModels.load(file)
    let reference = try #require(Self.references[ModelFiles.gemma3.0])
    let ids = Array(repeatElement(reference.logits_text_ids, count: 3).joined().prefix(612))
    #expect(ids.count > 512)  // the window slides within the second pass
    // A product depends on a vector's place in its batch only where llama.cpp's does: Q4_K takes
    // the vectors in fours and the rest one by one, so both passes hold whole fours (300, 312
    // and 612 tokens), and Q6_K is tiled from eight vectors on, as both passes are.
    let split = 300
    let (whole, parts) = try await BlockingWork.run {
      let h = model.hyperparameters
      let whole = try model.forward(ids, cache: KVCache(hyperparameters: h, capacity: ids.count), allLogits: false)
      let cache = KVCache(hyperparameters: h, capacity: ids.count)
      _ = try model.forward(Array(ids[..<split]), cache: cache, allLogits: false)
      return (whole, try model.forward(Array(ids[split...]), cache: cache, allLogits: false))
    }
    #expect(whole.count == model.hyperparameters.vocabulary)
    #expect(whole == parts)
  }

  @Test func smolLM2MatchesLlamaCpp() async throws { try await check(ModelFiles.smolLM2) }
  @Test func gemma3MatchesLlamaCpp() async throws { try await check(ModelFiles.gemma3) }
  /// The dataset teacher (Qwen 2: biases on q, k and v, "rotate half" RoPE, an untied head).
  @Test func qwen25CoderMatchesLlamaCpp() async throws { try await check(ModelFiles.qwen) }
}


