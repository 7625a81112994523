import Foundation
import TwinCore
import TwinTensor

/// One question of a model evaluation: an instruction of the dataset's test split and the
/// author's own answer to it.
public struct EvaluationCase: Sendable, Hashable, Codable {
  public var instruction: String
  public var reference: String
  /// Who wrote the reference (for the style match); nil when unknown.
  public var author: String?

  public init(instruction: String, reference: String, author: String?) {
    self.instruction = instruction
    self.reference = reference
    self.author = author
  }
}

/// A model to evaluate: how to ask it, and how to score perplexity under it when its weights
/// are at hand.
public struct CandidateModel: Sendable {
  /// How results name it: a registry label (`twin-sft@2`) or a catalog model.
  public var label: String
  public var llm: any LanguageModelClient
  /// The perplexity of a reference answer after its instruction; nil for a model behind a
  /// server (no weights, no perplexity).
  public var perplexity: (@Sendable (_ instruction: String, _ reference: String) async throws -> Double)?

  public init(
    label: String, llm: any LanguageModelClient,
    perplexity: (@Sendable (_ instruction: String, _ reference: String) async throws -> Double)?
  ) {
    self.label = label
    self.llm = llm
    self.perplexity = perplexity
  }
}

/// One model's answer to one case, and its scores.
public struct ScoredAnswer: Sendable, Hashable, Codable {
  public var index: Int
  public var answer: String
  public var scores: [EvaluationMetric: Double]
  public var verdict: Judge.Verdict?
  /// Why the answer or its verdict is missing.
  public var failure: String?
}

/// One model's results: per-metric means with 95 % intervals, and every answer.
public struct ModelEvaluationResult: Sendable, Hashable, Codable {
  public var model: String
  public var summaries: [EvaluationMetric: MetricSummary]
  public var answers: [ScoredAnswer]
  /// Cases the model gave no answer to (the LLM failed).
  public var generationFailures: Int
  /// Answers the judge gave no valid verdict on.
  public var judgeFailures: Int
}

/// The Handbook's model evaluation, and the measures that need no judge.
///
/// Each model answers every case through the LLM port, many requests in flight so the local
/// engine batches them and a server's concurrency is used. Then each answer is scored: cosine
/// similarity to the reference answer's embedding, ROUGE-L, the style match against the
/// authors' centroids, the reference answer's perplexity under the model (when it runs
/// locally), and the judge's accuracy and style (when there is a judge).
public struct ModelEvaluation: Sendable {
  public var embedder: any TextEmbedder
  public var judge: Judge?
  /// Requests in flight at once, per model.
  public var concurrency: Int
  /// Tokens an answer may take.
  public var maxTokens: Int

  public init(embedder: any TextEmbedder, judge: Judge?, concurrency: Int = 8, maxTokens: Int = 256) {
    self.embedder = embedder
    self.judge = judge
    self.concurrency = max(1, concurrency)
    self.maxTokens = maxTokens
  }

  /// Evaluates each model on `cases`.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when there is no case or no model; the embedder's
  ///   errors. A model or judge that fails on a case is counted, not thrown.
  public func run(
    _ models: [CandidateModel], cases: [EvaluationCase], progress: any ProgressReporter = SilentProgress()
  ) async throws -> [ModelEvaluationResult] {
    guard !cases.isEmpty else { throw TwinError.invalidInput("the evaluation has no question") }
    guard !models.isEmpty else { throw TwinError.invalidInput("the evaluation has no model") }
    progress.update(task: "embed", completed: 0, total: cases.count, detail: "reference answers")
    let references = try await embedder.embed(cases.map(\.reference))
    let style = StyleMatch(references: zip(cases, references).compactMap { c, v in c.author.map { ($0, v) } })
    var results: [ModelEvaluationResult] = []
    for model in models {
      results.append(try await evaluate(model, cases: cases, references: references, style: style, progress: progress))
    }
    return results
  }

  func evaluate(
    _ model: CandidateModel, cases: [EvaluationCase], references: [[Float]], style: StyleMatch, progress: any ProgressReporter
  ) async throws -> ModelEvaluationResult {
    let label = model.label
    let total = cases.count
    // Answers.
    let replies: [Result<String, any Error>] = await Self.map(cases, concurrency: concurrency) { done, _ in
      progress.update(task: "answer", completed: done, total: total, detail: label)
    } transform: { c in
      do {
        let reply = try await model.llm.complete(CompletionRequest(messages: [.user(c.instruction)], maxTokens: maxTokens))
        return .success(reply.text.trimmingCharacters(in: .whitespacesAndNewlines))
      } catch {
        return .failure(error)
      }
    }
    var answers = replies.enumerated().map { index, reply in
      switch reply {
      case .success(let text): ScoredAnswer(index: index, answer: text, scores: [:])
      case .failure(let error): ScoredAnswer(index: index, answer: "", scores: [:], failure: "no answer: \(error)")
      }
    }
    let answered = answers.indices.filter { answers[$0].failure == nil }
    // Judge-free scores.
    progress.update(task: "embed", completed: 0, total: answered.count, detail: "\(label)'s answers")
    let vectors = try await embedder.embed(answered.map { answers[$0].answer })
    for (i, vector) in zip(answered, vectors) {
      answers[i].scores[.similarity] = Double(Kernels.cosine(vector, references[i]))
      answers[i].scores[.rougeL] = RougeL.score(answers[i].answer, reference: cases[i].reference)
      if let author = cases[i].author, let match = style.score(vector, author: author) { answers[i].scores[.styleMatch] = match }
    }
    if let perplexity = model.perplexity {
      for (done, i) in cases.indices.enumerated() {
        progress.update(task: "perplexity", completed: done, total: total, detail: label)
        answers[i].scores[.perplexity] = try await perplexity(cases[i].instruction, cases[i].reference)
      }
    }
    // The judge.
    var judgeFailures = 0
    if let judge {
      let texts = answers.map(\.answer)
      let verdicts = await Self.map(answered, concurrency: concurrency) { done, _ in
        progress.update(task: "judge", completed: done, total: answered.count, detail: "\(label) by \(judge.llm.modelID)")
      } transform: { i in
        await judge.judge(instruction: cases[i].instruction, answer: texts[i], reference: cases[i].reference)
      }
      for (i, verdict) in zip(answered, verdicts) {
        switch verdict {
        case .success(let v):
          answers[i].verdict = v
          answers[i].scores[.accuracy] = Double(v.accuracy.score)
          answers[i].scores[.style] = Double(v.style.score)
        case .failure(let failure):
          answers[i].failure = "judge: \(failure)"
          judgeFailures += 1
        }
      }
    }
    var summaries: [EvaluationMetric: MetricSummary] = [:]
    for metric in EvaluationMetric.allCases {
      if let summary = MetricSummary(values: answers.compactMap { $0.scores[metric] }) { summaries[metric] = summary }
    }
    return ModelEvaluationResult(
      model: label, summaries: summaries, answers: answers, generationFailures: cases.count - answered.count,
      judgeFailures: judgeFailures)
  }

  /// `transform` over `items`, at most `concurrency` at once, results in order; `done` is told
  /// after each.
  static func map<Item: Sendable, Output: Sendable>(
    _ items: [Item], concurrency: Int, done: (Int, Int) -> Void, transform: @escaping @Sendable (Item) async -> Output
  ) async -> [Output] {
    await withTaskGroup(of: (Int, Output).self) { group in
      var outputs = [Output?](repeating: nil, count: items.count)
      var next = 0
      var finished = 0
      while next < min(concurrency, items.count) {
        let (index, item) = (next, items[next])
        group.addTask { (index, await transform(item)) }
        next += 1
      }
      while let (index, output) = await group.next() {
        outputs[index] = output
        finished += 1
        done(finished, items.count)
        if next < items.count {
          let (index, item) = (next, items[next])
          group.addTask { (index, await transform(item)) }
          next += 1
        }
      }
      return outputs.map { $0! }
    }
  }
}
