import Foundation
import Synchronization
import Testing
import TwinCore
import TwinGGUF
import TwinLLM

/// Continuous batching must not change what a sequence generates: each of several concurrent
/// greedy generations equals the same generation run alone, including ones that join the batch
/// late and ones that stop early.
@Suite(.serialized) struct ContinuousBatchingTests {
  /// Both architectures batch: each has one layer body for single and batched steps.
  static let models = [ModelFiles.smolLM2, ModelFiles.gemma3]

  @Test(arguments: models)
  func batchedGenerationsEqualGenerationsAlone(weights: (String, String)) async throws {
    let file = try ModelFiles.open(weights)
    let tokenizer = try LLMTokenizer.load(from: file)
    let model = try DecoderModels.load(file)
    let alone = TextGenerator(model: model, tokenizer: tokenizer)
    let batcher = ContinuousBatcher(model: model, tokenizer: tokenizer, maxBatch: 4)
    let prompts = (0..<6).map { "Write a sentence about the number \($0)." }
    let requests = prompts.enumerated().map { i, text in
      GenerationRequest(
        prompt: tokenizer.encode("<|im_start|>user\n\(text)<|im_end|>\n<|im_start|>assistant\n", parseSpecial: true),
        maxTokens: 12 + 4 * i)
    }
    let expected = try requests.map { try alone.generateBlocking($0).tokens }

    let started = Date()
    let batched = try await withThrowingTaskGroup(of: (Int, [Int32]).self) { group in
      for (i, request) in requests.enumerated() {
        group.addTask {
          // Later requests arrive while earlier ones are decoding, and join the batch.
          try await Task.sleep(for: .milliseconds(20 * i))
          return (i, try await batcher.generate(request, onToken: { _ in true }).tokens)
        }
      }
      var out = [[Int32]](repeating: [], count: requests.count)
      for try await (i, tokens) in group { out[i] = tokens }
      return out
    }
    let seconds = Date().timeIntervalSince(started)
    #expect(batched == expected)
    let total = batched.reduce(0) { $0 + $1.count }
    print("continuous batching: \(total) tokens in \(String(format: "%.2f", seconds)) s")

    // A caller that stops after three tokens gets exactly three, and the others are unaffected.
    let count = Mutex(0)
    let stopped = try await batcher.generate(requests[5], onToken: { _ in count.withLock { $0 += 1; return $0 < 3 } })
    #expect(stopped.tokens == Array(expected[5].prefix(3)))
    #expect(stopped.finishReason == .cancelled)
  }

  @Test(arguments: models)
  func aBatchedStepGivesEachSequenceItsOwnLogits(weights: (String, String)) throws {
    let file = try ModelFiles.open(weights)
    let tokenizer = try LLMTokenizer.load(from: file)
    let model = try DecoderModels.load(file)
    let prompts = ["The capital of France is", "Once upon a time", "def fibonacci(n):"].map { tokenizer.encode($0) }
    // Alone: prefill, then one decode step with the greedy token.
    var expected: [[Float]] = []
    var caches: [KVCache] = []
    var nextTokens: [Int32] = []
    for prompt in prompts {
      let cache = KVCache(hyperparameters: model.hyperparameters, capacity: 64)
      let logits = try model.forward(prompt, cache: cache, allLogits: false)
      let next = Sampler.argmax(logits)
      let copy = KVCache(hyperparameters: model.hyperparameters, capacity: 64)
      _ = try model.forward(prompt, cache: copy, allLogits: false)
      expected.append(try model.forward([next], cache: cache, allLogits: false))
      caches.append(copy)
      nextTokens.append(next)
    }
    let batched = try model.forward(batch: nextTokens, caches: caches)
    for i in prompts.indices {
      // Up to four sequences a step multiplies vector by vector, so each row's logits are the
      // single step's, bit for bit.
      let differing = zip(batched[i], expected[i]).filter { $0.bitPattern != $1.bitPattern }.count
      #expect(differing == 0, "sequence \(i): \(differing) logits differ from the single step's")
      #expect(caches[i].count == prompts[i].count + 1)
    }
  }
}
