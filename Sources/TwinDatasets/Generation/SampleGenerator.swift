import Foundation
import Synchronization
import TwinCore

/// Runs the dataset prompts through the LLM port: many in flight at once, each retried on
/// failure and then recorded as failed with its reason; a failed prompt never stops the run.
public struct SampleGenerator: Sendable {
  public let kind: DatasetKind
  public let strategy: DatasetStrategy
  /// Writes the instructions (and, with `generate`, the answers).
  public let teacher: any LanguageModelClient
  /// Answers back-translated preference instructions: its answer is `rejected`.
  public let base: any LanguageModelClient
  public let settings: GenerationSettings

  public init(
    kind: DatasetKind, strategy: DatasetStrategy, teacher: any LanguageModelClient, base: any LanguageModelClient,
    settings: GenerationSettings
  ) {
    self.kind = kind
    self.strategy = strategy
    self.teacher = teacher
    self.base = base
    self.settings = settings
  }

  /// The template this generator asks with.
  public var prompt: DatasetPrompt { DatasetPrompt.template(kind: kind, strategy: strategy) }

  /// What a run produced, with its token counts.
  public struct Outcome: Sendable, Codable {
    public var samples: [GeneratedSample]
    public var failures: [FailedPrompt]
    public var promptTokens: Int
    public var completionTokens: Int
  }

  /// Generates samples for every extract, in extract order whatever order they finish in.
  ///
  /// - Throws: `CancellationError` when the task is cancelled (Ctrl-C); nothing else.
  public func run(_ extracts: [Extract], progress: any ProgressReporter) async throws -> Outcome {
    let tally = Mutex(Tally())
    let started = Date()
    func report() {
      let t = tally.withLock { $0 }
      let elapsed = max(Date().timeIntervalSince(started), 0.001)
      let rate = Double(t.completionTokens) / elapsed
      let done = t.done
      let eta = done == 0 ? "" : ", ETA \(Self.duration(elapsed / Double(done) * Double(extracts.count - done)))"
      progress.update(
        task: "generate", completed: done, total: extracts.count,
        detail: "\(t.samples) samples, \(t.failures) failed, \(String(format: "%.1f", rate)) tokens/s\(eta)")
    }
    report()
    var results = [Result?](repeating: nil, count: extracts.count)
    try await withThrowingTaskGroup(of: (Int, Result).self) { group in
      var next = 0
      func launch() {
        let index = next
        next += 1
        group.addTask { (index, await self.attempts(extracts[index])) }
      }
      while next < min(settings.concurrency, extracts.count) { launch() }
      while let (index, result) = try await group.next() {
        try Task.checkCancellation()
        results[index] = result
        tally.withLock {
          $0.done += 1
          $0.promptTokens += result.promptTokens
          $0.completionTokens += result.completionTokens
          switch result.value {
          case .success(let samples): $0.samples += samples.count
          case .failure: $0.failures += 1
          }
        }
        report()
        if next < extracts.count { launch() }
      }
    }
    try Task.checkCancellation()
    var outcome = Outcome(samples: [], failures: [], promptTokens: 0, completionTokens: 0)
    for result in results.compactMap({ $0 }) {
      outcome.promptTokens += result.promptTokens
      outcome.completionTokens += result.completionTokens
      switch result.value {
      case .success(let samples): outcome.samples += samples
      case .failure(let failure): outcome.failures.append(failure)
      }
    }
    return outcome
  }

  private struct Tally {
    var done = 0, samples = 0, failures = 0, promptTokens = 0, completionTokens = 0
  }

  struct Result: Sendable {
    var value: Swift.Result<[GeneratedSample], FailedPrompt>
    var promptTokens = 0
    var completionTokens = 0
  }

  /// One extract, attempted up to `1 + retries` times.
  func attempts(_ extract: Extract) async -> Result {
    var result = Result(value: .success([]))
    var reason = ""
    for attempt in 0...settings.retries {
      if Task.isCancelled { break }
      do {
        let (samples, usage) = try await samples(for: extract, attempt: attempt)
        result.promptTokens += usage.prompt
        result.completionTokens += usage.completion
        result.value = .success(samples)
        return result
      } catch let failure as AttemptFailure {
        result.promptTokens += failure.usage.prompt
        result.completionTokens += failure.usage.completion
        reason = failure.reason
      } catch {
        reason = "\(error)"
      }
    }
    result.value = .failure(FailedPrompt(extractID: extract.id, attempts: settings.retries + 1, reason: reason))
    return result
  }

  struct Usage: Sendable {
    var prompt = 0, completion = 0
    mutating func add(_ completion: Completion) {
      prompt += completion.promptTokens
      self.completion += completion.completionTokens
    }
  }

  /// An attempt that failed, with the tokens it spent.
  struct AttemptFailure: Error {
    var reason: String
    var usage: Usage
  }

  /// One attempt at `extract`'s samples.
  func samples(for extract: Extract, attempt: Int) async throws -> ([GeneratedSample], Usage) {
    var usage = Usage()
    let template = prompt
    let reply = try await teacher.complete(request(template.messages(for: extract), format: template.responseFormat, attempt: attempt))
    usage.add(reply)
    do {
      switch strategy {
      case .backtranslate:
        let instruction = try Self.clean(reply.decodeJSON(InstructionReply.self).instruction, what: "instruction")
        let answer = Self.trimmedPassage(extract.text)
        var rejected: String?
        if kind == .preference {
          let messages = DatasetPrompt.rejectedAnswer.messages(instruction: instruction)
          var request = request(messages, format: .text, attempt: attempt)
          request.maxTokens = settings.rejectedMaxTokens
          let own = try await base.complete(request)
          usage.add(own)
          rejected = try Self.clean(own.text, what: "rejected answer")
        }
        return ([sample(extract, instruction: instruction, answer: answer, rejected: rejected)], usage)
      case .generate:
        switch kind {
        case .instruct:
          let pairs = try reply.decodeJSON(PairsReply.self).pairs
          return (
            try pairs.map {
              sample(
                extract, instruction: try Self.clean($0.instruction, what: "instruction"),
                answer: try Self.clean($0.answer, what: "answer"))
            }, usage
          )
        case .preference:
          let triples = try reply.decodeJSON(TriplesReply.self).triples
          return (
            try triples.map {
              sample(
                extract, instruction: try Self.clean($0.instruction, what: "instruction"),
                answer: try Self.clean($0.chosen, what: "chosen answer"),
                rejected: try Self.clean($0.rejected, what: "rejected answer"))
            }, usage
          )
        }
      }
    } catch let error as LanguageModelError {
      throw AttemptFailure(reason: error.description, usage: usage)
    } catch let error as TwinError {
      throw AttemptFailure(reason: error.description, usage: usage)
    }
  }

  private func request(_ messages: [ChatMessage], format: ResponseFormat, attempt: Int) -> CompletionRequest {
    CompletionRequest(
      messages: messages, maxTokens: settings.maxTokens,
      temperature: attempt == 0 ? settings.temperature : max(settings.temperature, settings.retryTemperature),
      seed: settings.seed &+ UInt64(attempt), responseFormat: format, frequencyPenalty: 0)
  }

  private func sample(_ extract: Extract, instruction: String, answer: String, rejected: String? = nil) -> GeneratedSample {
    GeneratedSample(
      instruction: instruction, answer: answer, rejected: rejected, extractID: extract.id,
      documentID: extract.documentID, category: extract.category)
  }

  struct InstructionReply: Decodable { var instruction: String }
  struct PairsReply: Decodable {
    struct Pair: Decodable { var instruction, answer: String }
    var pairs: [Pair]
  }
  struct TriplesReply: Decodable {
    struct Triple: Decodable { var instruction, rejected, chosen: String }
    var triples: [Triple]
  }

  /// `text` without surrounding whitespace; an empty one is a failed attempt.
  static func clean(_ text: String, what: String) throws -> String {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !trimmed.isEmpty else { throw TwinError.invalidInput("the model gave an empty \(what)") }
    return trimmed
  }

  /// The author's passage as an answer: without surrounding whitespace or a leading Markdown
  /// heading (a title is not part of an answer).
  static func trimmedPassage(_ text: String) -> String {
    var lines = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "\n", omittingEmptySubsequences: false)
    while let first = lines.first, first.hasPrefix("#") || first.trimmingCharacters(in: .whitespaces).isEmpty {
      lines.removeFirst()
    }
    let passage = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return passage.isEmpty ? text.trimmingCharacters(in: .whitespacesAndNewlines) : passage
  }

  static func duration(_ seconds: Double) -> String {
    let s = Int(seconds.rounded())
    return s >= 3600 ? "\(s / 3600)h\(s % 3600 / 60)m" : s >= 60 ? "\(s / 60)m\(s % 60)s" : "\(s)s"
  }
}

extension DatasetPrompt {
  /// The messages of a prompt whose user turn is an instruction.
  func messages(instruction: String) -> [ChatMessage] {
    [.system(system), .user(user.replacingOccurrences(of: "{instruction}", with: instruction))]
  }
}
