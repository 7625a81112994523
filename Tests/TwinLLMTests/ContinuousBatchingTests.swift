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
    let (tokenizer, model) = try Self.load(weights)
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

  /// A prompt that starts like an earlier one copies that prefix's keys and values instead of
  /// computing them, and a conversation sent again with its answer and a new turn copies the
  /// answer too; either way the generation is the one the prompt gives alone.
  @Test(arguments: models)
  func aSharedPromptPrefixIsCopiedAndChangesNothing(weights: (String, String)) async throws {
    let (tokenizer, model) = try Self.load(weights)
    let alone = TextGenerator(model: model, tokenizer: tokenizer)
    let batcher = ContinuousBatcher(model: model, tokenizer: tokenizer, maxBatch: 4)
    let first = GenerationRequest(prompt: Self.chat("Name a colour.", tokenizer), maxTokens: 8)
    let second = GenerationRequest(prompt: Self.chat("Name a river in Europe.", tokenizer), maxTokens: 8)
    let shared = Self.commonPrefix(first.prompt, second.prompt)
    #expect(shared > 20, "the two prompts share the system turn")

    let a = try await batcher.generate(first, onToken: { _ in true })
    #expect(a.cachedPromptTokens == 0)
    let b = try await batcher.generate(second, onToken: { _ in true })
    #expect(b.cachedPromptTokens == shared)
    #expect(b.tokens == (try alone.generateBlocking(second).tokens))

    // The model was fed the first prompt and its answer, except a last token that ended the
    // generation by length before it was run.
    let fed = first.prompt.count + a.tokens.count - (a.finishReason == .length ? 1 : 0)
    let followUp = GenerationRequest(
      prompt: first.prompt + a.tokens
        + tokenizer.encode("<|im_end|>\n<|im_start|>user\nAnother one.<|im_end|>\n<|im_start|>assistant\n", parseSpecial: true),
      maxTokens: 8)
    let c = try await batcher.generate(followUp, onToken: { _ in true })
    #expect(c.cachedPromptTokens == fed)
    #expect(c.tokens == (try alone.generateBlocking(followUp).tokens))
  }

  /// Finished prompts' rows are kept within the byte budget, least recently used out first;
  /// a budget of 0 keeps nothing.
  @Test func thePrefixCacheKeepsToItsBudget() async throws {
    let (tokenizer, model) = try Self.load(ModelFiles.smolLM2)
    let h = model.hyperparameters
    let bytesPerPosition = 2 * h.layers * h.kvHeads * h.headDimension * MemoryLayout<Float16>.size
    let first = GenerationRequest(prompt: Self.chat("Name a colour.", tokenizer), maxTokens: 1)
    let second = GenerationRequest(prompt: Self.chat("Name a river in Europe.", tokenizer), maxTokens: 1)
    let other = GenerationRequest(prompt: tokenizer.encode("Once upon a time, in a land far away,"), maxTokens: 1)
    let shared = Self.commonPrefix(first.prompt, second.prompt)

    let none = ContinuousBatcher(model: model, tokenizer: tokenizer, prefixCacheBytes: 0)
    _ = try await none.generate(first, onToken: { _ in true })
    #expect(try await none.generate(second, onToken: { _ in true }).cachedPromptTokens == 0)

    // Room for the first prompt's rows alone: the unrelated prompt that follows pushes them out.
    let small = ContinuousBatcher(
      model: model, tokenizer: tokenizer, prefixCacheBytes: first.prompt.count * bytesPerPosition)
    _ = try await small.generate(first, onToken: { _ in true })
    _ = try await small.generate(other, onToken: { _ in true })
    let evicted = try await small.generate(second, onToken: { _ in true })
    #expect(evicted.cachedPromptTokens == Self.commonPrefix(other.prompt, second.prompt))
    #expect(evicted.cachedPromptTokens < shared)

    // With room for both, the first prompt's rows are still there.
    let roomy = ContinuousBatcher(model: model, tokenizer: tokenizer)
    _ = try await roomy.generate(first, onToken: { _ in true })
    _ = try await roomy.generate(other, onToken: { _ in true })
    #expect(try await roomy.generate(second, onToken: { _ in true }).cachedPromptTokens == shared)
  }

  /// A long prompt runs in chunks, so a stop asked for while it runs ends the generation
  /// between two of them instead of after the whole prompt; run to the end, the chunks give
  /// the token one pass over the prompt gives.
  @Test func aLongPromptIsPrefilledInChunksThatAStopEnds() throws {
    let (tokenizer, model) = try Self.load(ModelFiles.smolLM2)
    let text = (1...60).map { "Sentence \($0) of a long prompt." }.joined(separator: " ")
    let request = GenerationRequest(prompt: Self.chat(text, tokenizer), maxTokens: 1)
    #expect(request.prompt.count > 512, "\(request.prompt.count) tokens: a prompt of three chunks")
    let generator = TextGenerator(model: model, tokenizer: tokenizer)

    var asked = 0
    let stopped = try generator.generateBlocking(request, stopRequested: { asked += 1; return asked > 1 })
    #expect(asked == 2, "asked before each chunk until the stop")
    #expect(stopped.finishReason == .cancelled)
    #expect(stopped.tokens.isEmpty)

    let whole = KVCache(hyperparameters: model.hyperparameters, capacity: request.prompt.count)
    let logits = try model.forward(request.prompt, cache: whole, allLogits: false)
    let onePass = Int32(logits.indices.max { logits[$0] < logits[$1] }!)
    #expect(try generator.generateBlocking(request).tokens == [onePass])
  }

  static func load(_ weights: (String, String)) throws -> (LLMTokenizer, any DecoderModel) {
    let file = try ModelFiles.open(weights)
    return (try LLMTokenizer.load(from: file), try DecoderModels.load(file))
  }

  static func chat(_ text: String, _ tokenizer: LLMTokenizer) -> [Int32] {
    tokenizer.encode(
      "<|im_start|>system\nYou are a careful assistant. You answer in one short sentence.<|im_end|>\n"
        + "<|im_start|>user\n\(text)<|im_end|>\n<|im_start|>assistant\n",
      parseSpecial: true)
  }

  static func commonPrefix(_ a: [Int32], _ b: [Int32]) -> Int {
    zip(a, b).prefix { $0 == $1 }.count
  }

  @Test(arguments: models)
  func aBatchedStepGivesEachSequenceItsOwnLogits(weights: (String, String)) throws {
    let (tokenizer, model) = try Self.load(weights)
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
