import Foundation

/// One generation's state between forward passes: sampling, constrained tokens, UTF-8
/// assembly, stop strings and the stop rules. It does not run the model, so the same state
/// machine serves a lone generation (``TextGenerator``) and a sequence decoded in a batch with
/// others (``ContinuousBatcher``).
struct DecodingSequence {
  let request: GenerationRequest
  let cache: KVCache
  private var sampler: Sampler
  private var utf8 = UTF8Assembler()
  private var stops: StopStringFilter
  private(set) var tokens: [Int32] = []
  private var text = ""
  private(set) var finish: FinishReason?
  private let allowedTokens: ((_ generated: [Int32]) -> Set<Int32>?)?
  private let onToken: (GeneratedToken) -> Bool
  private let tokenizer: LLMTokenizer
  var prefillSeconds: Double = 0
  /// Prompt positions copied from the batcher's prompt-prefix cache.
  var cachedPromptTokens = 0
  var decodeStart = Date()

  /// Validates the request and allocates its KV cache.
  init(
    _ request: GenerationRequest, hyperparameters: Hyperparameters, contextLength: Int, tokenizer: LLMTokenizer,
    allowedTokens: ((_ generated: [Int32]) -> Set<Int32>?)?, onToken: @escaping (GeneratedToken) -> Bool
  ) throws {
    guard !request.prompt.isEmpty else { throw GenerationError.emptyPrompt }
    try request.sampling.validate()
    guard request.prompt.count < contextLength else { throw GenerationError.contextFull(capacity: contextLength) }
    self.request = request
    cache = KVCache(
      // The generation never outgrows the context, so clamp before adding: a caller's
      // maxTokens may be anything up to Int.max.
      hyperparameters: hyperparameters,
      capacity: request.prompt.count + min(max(request.maxTokens, 0), contextLength - request.prompt.count))
    sampler = Sampler(request.sampling)
    if request.sampling.penalizesPrompt { sampler.observe(request.prompt) }
    stops = StopStringFilter(request.stop)
    self.allowedTokens = allowedTokens
    self.onToken = onToken
    self.tokenizer = tokenizer
  }

  /// Takes the logits for the next position and picks the token; returns it when the model
  /// must run it next, or nil once the generation has ended (``finish`` says why).
  mutating func next(_ logits: inout [Float]) -> Int32? {
    guard finish == nil else { return nil }
    guard tokens.count < request.maxTokens else { return end(.length) }
    var allowed: Set<Int32>?
    if let allowedTokens {
      allowed = allowedTokens(tokens)
      if allowed?.isEmpty == true { return end(.endOfSequence) }
    }
    let distribution = Sampler.logSoftmax(logits)
    let id = sampler.sample(&logits, allowed: allowed)
    let top = request.topLogprobs > 0 ? Sampler.topLogProbabilities(distribution, count: request.topLogprobs) : []
    if tokenizer.endsGeneration(id) { return end(.endOfSequence) }
    tokens.append(id)
    let (release, stopped) = stops.add(utf8.append(tokenizer.bytes(of: id)))
    text += release
    let keepGoing = onToken(
      GeneratedToken(
        id: id, text: release, logprob: distribution[Int(id)],
        topLogprobs: top.map { TokenLogprob(id: $0.token, logprob: $0.logprob) }))
    if stopped { return end(.stop) }
    if !keepGoing { return end(.cancelled) }
    if tokens.count >= request.maxTokens || cache.remaining <= 0 { return end(.length) }
    return id
  }

  /// The tokens the model has been fed: the prompt, then each generated token but the last
  /// (which ends the generation before it is run), as far as the cache holds them.
  var fedTokens: [Int32] { Array((request.prompt + tokens).prefix(cache.count)) }

  /// Ends the generation before its first token: it was stopped while its prompt ran.
  mutating func stopBeforeFirstToken() {
    _ = end(.cancelled)
  }

  private mutating func end(_ reason: FinishReason) -> Int32? {
    finish = reason
    return nil
  }

  /// The finished generation, after releasing text still held back (an incomplete character,
  /// a possible stop string) unless a stop string ended it.
  mutating func result() -> Generation {
    let reason = finish ?? .length
    if reason != .stop {
      let rest = stops.add(utf8.flush()).release + stops.flush()
      if !rest.isEmpty {
        text += rest
        _ = onToken(GeneratedToken(id: -1, text: rest, logprob: 0, topLogprobs: []))
      }
    }
    return Generation(
      tokens: tokens, text: text, finishReason: reason, promptTokens: request.prompt.count,
      cachedPromptTokens: cachedPromptTokens, prefillSeconds: prefillSeconds, decodeSeconds: Date().timeIntervalSince(decodeStart))
  }
}
