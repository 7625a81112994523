import Foundation
import Synchronization
import TwinCore

/// Continuous batching: concurrent generations on one model share every decode step.
///
/// One thread owns the model. Between steps it admits waiting requests (each prefilled on its
/// own, as a matrix-matrix pass over its prompt), then runs one batched step for every active
/// sequence (``DecoderModel/forward(batch:caches:)``): the weights are read once per step for
/// all of them instead of once per sequence, which is what bounds decode on a CPU. A sequence
/// that finishes leaves the batch at once and the next waiting request takes its place.
///
/// A prompt that starts like a recent one (the same system turn and instructions, a
/// conversation sent again with one more turn) copies that prefix's keys and values from a
/// ``PromptPrefixCache`` and prefills only the rest.
public final class ContinuousBatcher: Sendable {
  public let model: any DecoderModel
  public let tokenizer: LLMTokenizer
  public let contextLength: Int
  /// The most sequences decoded together.
  public let maxBatch: Int

  private struct Request: @unchecked Sendable {
    // @unchecked: the closures are handed to the model thread once and used only there.
    var generation: GenerationRequest
    var allowedTokens: ((_ generated: [Int32]) -> Set<Int32>?)?
    var onToken: (GeneratedToken) -> Bool
    var cancelled: OneWayFlag
    var continuation: CheckedContinuation<Generation, any Error>
  }

  /// Used only on the model thread.
  private nonisolated(unsafe) let prefixes: PromptPrefixCache
  private let waiting = Mutex<[Request]>([])
  private let wake = DispatchSemaphore(value: 0)
  private let started = Mutex(false)

  /// - Parameter prefixCacheBytes: The most memory that finished prompts' keys and values may
  ///   keep for reuse by later prompts with the same prefix; 0 turns prefix reuse off.
  public init(
    model: any DecoderModel, tokenizer: LLMTokenizer, contextLength: Int? = nil, maxBatch: Int = 16,
    prefixCacheBytes: Int = ContinuousBatcher.defaultPrefixCacheBytes
  ) {
    self.model = model
    prefixes = PromptPrefixCache(byteBudget: prefixCacheBytes)
    self.tokenizer = tokenizer
    self.contextLength = min(contextLength ?? 4096, model.hyperparameters.contextLength)
    self.maxBatch = max(1, maxBatch)
  }

  /// The prompt-prefix cache's memory unless another is given (``PromptCacheLimits``).
  public static let defaultPrefixCacheBytes = PromptCacheLimits.defaultMiB << 20

  /// Generates `request` in the shared batch. `onToken` runs on the model thread; return false
  /// to stop. Cancelling the calling task stops the generation at its next token, or between
  /// two chunks of its prompt (``Prefill``); it then ends as ``FinishReason/cancelled``.
  public func generate(
    _ request: GenerationRequest, allowedTokens: (@Sendable (_ generated: [Int32]) -> Set<Int32>?)? = nil,
    onToken: @escaping @Sendable (GeneratedToken) -> Bool
  ) async throws -> Generation {
    startIfNeeded()
    let cancelled = OneWayFlag()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        waiting.withLock {
          $0.append(
            Request(
              generation: request, allowedTokens: allowedTokens, onToken: onToken, cancelled: cancelled,
              continuation: continuation))
        }
        wake.signal()
      }
    } onCancel: {
      cancelled.set()
    }
  }

  private func startIfNeeded() {
    let first = started.withLock { was in
      defer { was = true }
      return !was
    }
    guard first else { return }
    let thread = Thread { [self] in loop() }
    thread.name = "twin.batcher"
    thread.qualityOfService = .userInitiated
    thread.start()
  }

  private struct Active {
    var sequence: DecodingSequence
    var next: Int32
    var continuation: CheckedContinuation<Generation, any Error>
  }

  private func loop() {
    var active: [Active] = []
    while true {
      if active.isEmpty { wake.wait() }
      let admitted = waiting.withLock { queue -> [Request] in
        let n = min(queue.count, maxBatch - active.count)
        defer { queue.removeFirst(n) }
        return Array(queue.prefix(n))
      }
      for request in admitted { admit(request, into: &active) }
      guard !active.isEmpty else { continue }
      step(&active)
    }
  }

  /// Prefills a new request's prompt and picks its first token.
  private func admit(_ request: Request, into active: inout [Active]) {
    if request.cancelled.isSet { return request.continuation.resume(throwing: CancellationError()) }
    do {
      let cancelled = request.cancelled
      let onToken = request.onToken
      var sequence = try DecodingSequence(
        request.generation, hyperparameters: model.hyperparameters, contextLength: contextLength, tokenizer: tokenizer,
        allowedTokens: request.allowedTokens, onToken: { token in onToken(token) && !cancelled.isSet })
      let prompt = request.generation.prompt
      let prefillStart = Date()
      let reused = prefixes.restore(prompt, into: sequence.cache)
      guard
        var logits = try Prefill.run(
          prompt[reused...], model: model, cache: sequence.cache, stopRequested: { cancelled.isSet })
      else {
        // Stopped part-way: the cache holds a part of the prompt, so it is not remembered.
        sequence.stopBeforeFirstToken()
        return request.continuation.resume(returning: sequence.result())
      }
      prefixes.remember(prompt, in: sequence.cache)
      sequence.cachedPromptTokens = reused
      sequence.prefillSeconds = Date().timeIntervalSince(prefillStart)
      sequence.decodeStart = Date()
      if let next = sequence.next(&logits) {
        active.append(Active(sequence: sequence, next: next, continuation: request.continuation))
      } else {
        prefixes.retire(sequence.cache, tokens: sequence.fedTokens)
        request.continuation.resume(returning: sequence.result())
      }
    } catch {
      request.continuation.resume(throwing: error)
    }
  }

  /// One batched decode step for every active sequence; finished ones leave.
  private func step(_ active: inout [Active]) {
    let logits: [[Float]]
    do {
      logits = try model.forward(batch: active.map(\.next), caches: active.map(\.sequence.cache))
    } catch {
      for a in active {
        prefixes.forget(a.sequence.cache)
        a.continuation.resume(throwing: error)
      }
      active.removeAll()
      return
    }
    var still: [Active] = []
    for (i, var a) in active.enumerated() {
      var l = logits[i]
      if let next = a.sequence.next(&l) {
        a.next = next
        still.append(a)
      } else {
        prefixes.retire(a.sequence.cache, tokens: a.sequence.fedTokens)
        a.continuation.resume(returning: a.sequence.result())
      }
    }
    active = still
  }
}
