import Foundation
import Synchronization

/// The generation loop: prefill the prompt in one batch, then decode one token at a time,
/// sampling, streaming text as it completes, and stopping on an end token, a stop string,
/// `maxTokens`, a full context or cancellation.
public struct TextGenerator: Sendable {
  public let model: any DecoderModel
  public let tokenizer: LLMTokenizer
  /// The KV cache's size: the prompt plus everything generated must fit.
  public let contextLength: Int

  public init(model: any DecoderModel, tokenizer: LLMTokenizer, contextLength: Int? = nil) {
    self.model = model
    self.tokenizer = tokenizer
    self.contextLength = min(contextLength ?? 4096, model.hyperparameters.contextLength)
  }

  /// Generates on the calling thread (blocking it), calling `onToken` for each token; return
  /// `false` from it to stop (the generation then ends with ``FinishReason/cancelled``).
  ///
  /// - Parameter allowedTokens: Constrained decoding: called before each step with the tokens
  ///   so far; returns the ids that may come next (nil for no constraint), or an empty set
  ///   when the output is complete.
  public func generateBlocking(
    _ request: GenerationRequest,
    allowedTokens: ((_ generated: [Int32]) -> Set<Int32>?)? = nil,
    onToken: (GeneratedToken) -> Bool = { _ in true }
  ) throws -> Generation {
    guard !request.prompt.isEmpty else { throw GenerationError.emptyPrompt }
    try request.sampling.validate()
    guard request.prompt.count < contextLength else {
      throw GenerationError.contextFull(capacity: contextLength)
    }
    let cache = KVCache(
      hyperparameters: model.hyperparameters,
      capacity: min(contextLength, request.prompt.count + max(request.maxTokens, 0)))
    var sampler = Sampler(request.sampling)
    if request.sampling.penalizesPrompt { sampler.observe(request.prompt) }
    var utf8 = UTF8Assembler()
    var stops = StopStringFilter(request.stop)
    var tokens: [Int32] = []
    var text = ""
    var finish = FinishReason.length

    let prefillStart = Date()
    var logits = try model.forward(request.prompt, cache: cache, allLogits: false)
    let prefillSeconds = Date().timeIntervalSince(prefillStart)
    let decodeStart = Date()

    while tokens.count < request.maxTokens {
      var allowed: Set<Int32>?
      if let allowedTokens {
        allowed = allowedTokens(tokens)
        if allowed?.isEmpty == true {
          finish = .endOfSequence
          break
        }
      }
      let distribution = Sampler.logSoftmax(logits)
      let id = sampler.sample(&logits, allowed: allowed)
      let top =
        request.topLogprobs > 0
        ? Sampler.topLogProbabilities(distribution, count: request.topLogprobs) : []
      if tokenizer.endsGeneration(id) {
        finish = .endOfSequence
        break
      }
      tokens.append(id)
      let (release, stopped) = stops.add(utf8.append(tokenizer.bytes(of: id)))
      text += release
      let keepGoing = onToken(
        GeneratedToken(
          id: id, text: release, logprob: distribution[Int(id)],
          topLogprobs: top.map { TokenLogprob(id: $0.token, logprob: $0.logprob) }))
      if stopped {
        finish = .stop
        break
      }
      if !keepGoing {
        finish = .cancelled
        break
      }
      guard tokens.count < request.maxTokens else { break }
      guard cache.remaining > 0 else { break }
      logits = try model.forward([id], cache: cache, allLogits: false)
    }
    if finish != .stop {
      let rest = stops.add(utf8.flush()).release + stops.flush()
      if !rest.isEmpty {
        text += rest
        _ = onToken(GeneratedToken(id: -1, text: rest, logprob: 0, topLogprobs: []))
      }
    }
    return Generation(
      tokens: tokens, text: text, finishReason: finish, promptTokens: request.prompt.count,
      prefillSeconds: prefillSeconds, decodeSeconds: Date().timeIntervalSince(decodeStart))
  }

  /// Generates off the cooperative thread pool, calling `onToken` for each token; cancelling
  /// the calling task ends the generation at the next token (``FinishReason/cancelled``).
  public func generate(
    _ request: GenerationRequest,
    allowedTokens: (@Sendable (_ generated: [Int32]) -> Set<Int32>?)? = nil,
    onToken: @escaping @Sendable (GeneratedToken) -> Void
  ) async throws -> Generation {
    let cancelled = CancellationFlag()
    let generator = self
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        DispatchQueue.global(qos: .userInitiated).async {
          continuation.resume(
            with: Result {
              try generator.generateBlocking(
                request, allowedTokens: allowedTokens,
                onToken: { token in
                  onToken(token)
                  return !cancelled.isSet
                })
            })
        }
      }
    } onCancel: {
      cancelled.set()
    }
  }

  /// Streams tokens as they are produced. The work runs off the cooperative pool; cancelling
  /// the consuming task stops generation at the next token.
  public func stream(_ request: GenerationRequest) -> AsyncThrowingStream<GeneratedToken, Error> {
    let (stream, continuation) = AsyncThrowingStream<GeneratedToken, Error>.makeStream()
    let cancelled = CancellationFlag()
    continuation.onTermination = { _ in cancelled.set() }
    let generator = self
    DispatchQueue.global(qos: .userInitiated).async {
      do {
        _ = try generator.generateBlocking(
          request,
          onToken: { token in
            continuation.yield(token)
            return !cancelled.isSet
          })
        continuation.finish()
      } catch {
        continuation.finish(throwing: error)
      }
    }
    return stream
  }
}

/// A flag set once from any thread.
final class CancellationFlag: Sendable {
  private let flag = Mutex(false)
  func set() { flag.withLock { $0 = true } }
  var isSet: Bool { flag.withLock { $0 } }
}
