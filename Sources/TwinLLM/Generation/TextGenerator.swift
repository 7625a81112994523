import Foundation
import Synchronization
import TwinCore

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
  /// - Parameter stopRequested: Asked between the prompt's chunks (``Prefill``): true ends the
  ///   generation before its first token, as ``FinishReason/cancelled``.
  public func generateBlocking(
    _ request: GenerationRequest,
    allowedTokens: ((_ generated: [Int32]) -> Set<Int32>?)? = nil,
    stopRequested: () -> Bool = { false },
    onToken: (GeneratedToken) -> Bool = { _ in true }
  ) throws -> Generation {
    // The sequence keeps `onToken` only for the duration of this call.
    try withoutActuallyEscaping(onToken) { onToken in
      var sequence = try DecodingSequence(
        request, hyperparameters: model.hyperparameters, contextLength: contextLength, tokenizer: tokenizer,
        allowedTokens: allowedTokens, onToken: onToken)
      let prefillStart = Date()
      guard
        var logits = try Prefill.run(
          request.prompt[...], model: model, cache: sequence.cache, stopRequested: stopRequested)
      else {
        sequence.stopBeforeFirstToken()
        return sequence.result()
      }
      sequence.prefillSeconds = Date().timeIntervalSince(prefillStart)
      sequence.decodeStart = Date()
      while let id = sequence.next(&logits) {
        logits = try model.forward([id], cache: sequence.cache, allLogits: false)
      }
      return sequence.result()
    }
  }

  /// Generates off the cooperative thread pool, calling `onToken` for each token; cancelling
  /// the calling task ends the generation at the next token (``FinishReason/cancelled``).
  public func generate(
    _ request: GenerationRequest,
    allowedTokens: (@Sendable (_ generated: [Int32]) -> Set<Int32>?)? = nil,
    onToken: @escaping @Sendable (GeneratedToken) -> Void
  ) async throws -> Generation {
    let cancelled = OneWayFlag()
    let generator = self
    return try await withTaskCancellationHandler {
      try await BlockingWork.run {
        try generator.generateBlocking(
          request, allowedTokens: allowedTokens, stopRequested: { cancelled.isSet },
          onToken: { token in
            onToken(token)
            return !cancelled.isSet
          })
      }
    } onCancel: {
      cancelled.set()
    }
  }

  /// Streams tokens as they are produced. The work runs off the cooperative pool; cancelling
  /// the consuming task stops generation at the next token.
  public func stream(_ request: GenerationRequest) -> AsyncThrowingStream<GeneratedToken, Error> {
    let (stream, continuation) = AsyncThrowingStream<GeneratedToken, Error>.makeStream()
    let cancelled = OneWayFlag()
    continuation.onTermination = { _ in cancelled.set() }
    let generator = self
    Task {
      do {
        _ = try await BlockingWork.run {
          try generator.generateBlocking(
            request, stopRequested: { cancelled.isSet },
            onToken: { token in
              continuation.yield(token)
              return !cancelled.isSet
            })
        }
        continuation.finish()
      } catch {
        continuation.finish(throwing: error)
      }
    }
    return stream
  }
}

