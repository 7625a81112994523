import Foundation
import TwinCore
import TwinFeatureStore

/// The RAG retrieval module and answer step, the Handbook's flow: guardrails → self-query →
/// query expansion → filtered searches → rerank → prompt → generation → guardrails. Every call
/// is one trace, stored whether it answers, is refused or fails.
public struct RAGService: Sendable {
  public var llm: any LanguageModelClient
  public var search: ChunkSearch
  public var warehouse: any DataWarehouse
  public var traces: (any TraceStore)?
  public var settings: RAGSettings

  public init(
    llm: any LanguageModelClient, search: ChunkSearch, warehouse: any DataWarehouse, traces: (any TraceStore)?,
    settings: RAGSettings
  ) {
    self.llm = llm
    self.search = search
    self.warehouse = warehouse
    self.traces = traces
    self.settings = settings
  }

  /// One question.
  public struct Query: Sendable, Hashable, Codable {
    public var query: String
    /// Only this author's writing (skips self-query).
    public var author: String?
    /// How many chunks to answer from (default `settings.k`).
    public var k: Int?

    public init(query: String, author: String? = nil, k: Int? = nil) {
      self.query = query
      self.author = author
      self.k = k
    }

    /// How many chunks a question may be answered from.
    public static let kRange = 1...50

    /// Why the query cannot be answered as asked (an empty question, `k` out of range), or nil.
    /// Checked before a question is queued as well as when it is answered.
    public var problem: String? {
      if query.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "query must not be empty" }
      return k.flatMap(Self.problem(k:))
    }

    /// Why `k` is out of range, or nil.
    public static func problem(k: Int) -> String? {
      kRange.contains(k) ? nil : "k must be between \(kRange.lowerBound) and \(kRange.upperBound) (got \(k))"
    }
  }

  /// The answer and where it came from.
  public struct Answer: Sendable, Hashable, Codable {
    public var answer: String
    public var sources: [Source]
    public var traceID: String
    /// The author filter used (given or found by self-query), if any; several authors the
    /// question names are listed comma-separated.
    public var author: String?
    /// The searched queries: the question, then its expansions.
    public var queries: [String]
    public var model: String
    public var promptTemplate: String

    enum CodingKeys: String, CodingKey {
      case answer, sources, author, queries, model
      case traceID = "trace_id"
      case promptTemplate = "prompt_template"
    }
  }

  /// A cited chunk; `[n]` in the answer is `sources[n-1]`.
  public struct Source: Sendable, Hashable, Codable {
    public var title: String?
    public var link: String?
    public var platform: String
    public var author: String
    public var chunk: String
    public var score: Float
    public var category: String
    public var chunkID: String

    enum CodingKeys: String, CodingKey {
      case title, link, platform, author, chunk, score, category
      case chunkID = "chunk_id"
    }
  }

  /// Why a question got no answer; carries the trace id so the failure can be looked up.
  public struct Failure: CategorizedError, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
      /// A guardrail refused the question or the answer.
      case blocked(check: String)
      /// The request is invalid (an unknown author, a bad k).
      case invalid
      /// Something the question names does not exist (an unknown author).
      case notFound
      /// The LLM backend failed or answered with something unreadable.
      case unavailable
      /// A step outlasted its clock.
      case timedOut
      /// Retrieval or the model failed otherwise.
      case failed

      /// The kind of a failure that was `error` underneath.
      init(of error: any Error) {
        switch ErrorCategory(of: error) {
        case .invalidInput, .configuration: self = .invalid
        case .notFound: self = .notFound
        case .unavailable: self = .unavailable
        case .timeout: self = .timedOut
        case .blocked, .storage, .failed: self = .failed
        }
      }
    }
    public var kind: Kind
    public var reason: String
    public var traceID: String
    public var description: String { reason }

    public var category: ErrorCategory {
      switch kind {
      case .blocked: .blocked
      case .invalid: .invalidInput
      case .notFound: .notFound
      case .unavailable: .unavailable
      case .timedOut: .timeout
      case .failed: .failed
      }
    }
  }

  /// Answers `query`; `onText` receives the answer as it is generated. (With output guardrails
  /// on, a streamed answer can still be refused at the end: the stream then ends with the error.)
  public func answer(_ query: Query, onText: (@Sendable (String) -> Void)? = nil) async throws -> Answer {
    let trace = TraceRecorder(name: "rag")
    var traceInput: JSONValue = .object([
      "author": query.author.map(JSONValue.string) ?? .null, "k": query.k.map(JSONValue.int) ?? .null,
    ])
    do {
      let answer = try await run(query, trace: trace, traceInput: &traceInput, onText: onText)
      try await save(trace.finish(status: .ok, input: traceInput, output: try JSONValue.from(answer)))
      return answer
    } catch let failure as Failure {
      let status: TraceStatus = if case .blocked = failure.kind { .blocked } else { .error }
      try await save(trace.finish(status: status, input: traceInput, output: .object(["error": .string(failure.reason)])))
      throw failure
    } catch {
      try await save(trace.finish(status: .error, input: traceInput, output: .object(["error": .string("\(error)")])))
      throw Failure(kind: Failure.Kind(of: error), reason: "\(error)", traceID: trace.id)
    }
  }

  private func save(_ trace: Trace) async throws {
    try await traces?.save(trace)
  }

  private func run(
    _ query: Query, trace: TraceRecorder, traceInput: inout JSONValue, onText: (@Sendable (String) -> Void)?
  ) async throws -> Answer {
    let k = query.k ?? settings.k
    if let problem = Query.problem(k: k) { throw Failure(kind: .invalid, reason: problem, traceID: trace.id) }
    let guardrails = settings.guardrails

    // 1. Input guardrails, one span per check: refuse, or redact personal data before
    //    anything stores the text.
    let checked = try await guarded(guardrails.inputChecks, query.query, trace: trace)
    let question = checked.text
    if case .object(var o) = traceInput {
      o["query"] = .string(question)
      traceInput = .object(o)
    }

    // 2. Self-query: the author filter, from the question or given.
    let users = try await warehouse.users()
    let authors: [User]
    if let name = query.author {
      guard let user = users.first(where: { $0.fullName.caseInsensitiveCompare(name) == .orderedSame }) else {
        let known = users.map(\.fullName).joined(separator: ", ")
        throw Failure(kind: .notFound, reason: "unknown author '\(name)' (known: \(known.isEmpty ? "none" : known))", traceID: trace.id)
      }
      authors = [user]
    } else if settings.selfQuery {
      let names = users.map(\.fullName)
      let llm = llm
      let outcome = try await trace.span(
        "self_query", input: .object(["question": .string(question), "authors": .array(names.map(JSONValue.string))])
      ) {
        let outcome = try await SelfQuery().run(question: question, authors: names, llm: llm)
        return (
          outcome, try JSONValue.from(outcome),
          Self.modelAttributes(llm.modelID, SelfQuery.templateVersion, outcome.promptTokens, outcome.completionTokens)
        )
      }
      authors = outcome.authors.compactMap { name in users.first { $0.fullName == name } }
    } else {
      authors = []
    }
    let authorNames = authors.map(\.fullName).joined(separator: ", ")

    // 3. Query expansion.
    let expansions = settings.expansions
    let llm = llm
    let expanded = try await trace.span(
      "query_expansion", input: .object(["question": .string(question), "count": .int(expansions)])
    ) {
      let outcome = try await QueryExpansion().run(question: question, count: expansions, llm: llm)
      return (
        outcome, .array(outcome.queries.map(JSONValue.string)),
        Self.modelAttributes(llm.modelID, QueryExpansion.templateVersion, outcome.promptTokens, outcome.completionTokens)
      )
    }

    // 4. Filtered searches, in parallel, deduplicated by chunk id.
    let candidates = try await search.run(
      queries: expanded.queries, authorIDs: authors.isEmpty ? nil : authors.map(\.id), categories: settings.categories,
      trace: trace)

    // 5. Rerank and keep the top k.
    let reranker = settings.reranker
    let ranked = try await trace.span(
      "rerank", input: .object(["candidates": .int(candidates.count), "reranker": .string(reranker.name)])
    ) {
      let ranked = try await reranker.rerank(question: question, queryCount: expanded.queries.count, candidates)
      let top = Array(ranked.prefix(k))
      let output: JSONValue = .array(
        top.map { .object(["id": .string($0.candidate.chunk.id), "score": .double(Double($0.score))]) })
      return (top, output, ["reranker": .string(reranker.name)])
    }
    guard !ranked.isEmpty else {
      throw Failure(
        kind: .failed,
        reason: "the feature store has no chunks\(authors.isEmpty ? "" : " by \(authorNames)") (run `twin features`)",
        traceID: trace.id)
    }
    let chunks = ranked.map(\.candidate.chunk)

    // 6. The prompt, from the versioned template.
    let template = settings.template
    let messages = try await trace.span(
      "prompt", input: .object(["template": .string(template.id), "chunks": .int(chunks.count)])
    ) {
      let messages = template.render(question: question, chunks: chunks)
      let characters = messages.reduce(0) { $0 + $1.content.count }
      return (messages, .object(["characters": .int(characters)]), ["prompt_template": .string(template.id)])
    }

    // 7. Generation.
    let request = CompletionRequest(
      messages: messages, maxTokens: settings.maxTokens, temperature: settings.temperature, seed: settings.seed,
      presencePenalty: settings.presencePenalty, frequencyPenalty: settings.frequencyPenalty)
    let completion = try await trace.span(
      "generation",
      input: .object(["messages": .array(messages.map { .object(["role": .string($0.role.rawValue), "content": .string($0.content)]) })])
    ) {
      let loopStop = RepetitionStop(forward: onText)
      var completion = try await llm.complete(request, onText: { loopStop.take($0) })
      // A generation cut short by cancellation (a client gone, a server stopping with the job
      // to put back) is no answer: it must not be recorded or returned as one.
      if completion.finishReason == .cancelled { throw CancellationError() }
      let kept = loopStop.finish()
      var attributes = Self.modelAttributes(
        llm.modelID, template.id, completion.promptTokens, completion.completionTokens)
      attributes["finish_reason"] = .string(completion.finishReason.rawValue)
      if loopStop.stopped { attributes["stopped_at_repetition"] = true }
      completion.text = kept
      return (completion, .string(completion.text), attributes)
    }

    // 8. Output guardrails, one span per check.
    let output = try await guarded(guardrails.outputChecks, completion.text, trace: trace)

    return Answer(
      answer: output.text,
      sources: ranked.map { item in
        let c = item.candidate.chunk
        return Source(
          title: c.title ?? c.filePath, link: c.link, platform: c.platform, author: c.authorFullName, chunk: c.content,
          score: item.score, category: c.category, chunkID: c.id)
      },
      traceID: trace.id, author: authors.isEmpty ? nil : authorNames, queries: expanded.queries, model: completion.model,
      promptTemplate: template.id)
  }

  /// Runs guardrail checks in order, each as a span `guardrails.<check>` (inputs and outputs
  /// record sizes and redaction kinds, never the text); a refusal ends the call.
  private func guarded(_ checks: [Guardrails.Check], _ text: String, trace: TraceRecorder) async throws
    -> Guardrails.CheckedInput
  {
    var current = Guardrails.CheckedInput(text: text, redactions: [])
    for check in checks {
      do {
        current = try await trace.span("guardrails.\(check.name)", input: .object(["characters": .int(current.text.count)])) {
          let (cleaned, found) = try check.run(current.text)
          let next = Guardrails.CheckedInput(text: cleaned, redactions: current.redactions + found)
          return (next, .object(["redactions": .array(found.map { .string($0.kind.rawValue) })]), [:])
        }
      } catch let refusal as Guardrails.Refusal {
        throw Failure(kind: .blocked(check: refusal.check), reason: refusal.reason, traceID: trace.id)
      }
    }
    return current
  }

  static func modelAttributes(_ model: String, _ template: String, _ prompt: Int, _ completion: Int) -> [String: JSONValue] {
    [
      "model": .string(model), "prompt_template": .string(template), "prompt_tokens": .int(prompt),
      "completion_tokens": .int(completion),
    ]
  }
}
