import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinEvaluation
import TwinRAG
import TwinSampleSite
import TwinSQLite

extension EvaluateCommand {
  /// `twin evaluate rag`: the whole RAG path, question by question.
  struct RAG: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Score the RAG path on questions: retrieval hits and MRR, and a judge's faithfulness, relevance and context precision.",
      discussion: """
        Each line of --questions is {"question": "...", "expected_links": ["<link or its \
        ending>", ...], "reference_answer": "..."} (both optional). Every question goes through \
        `twin rag`'s path (self-query, expansion, filtered search, rerank, generation). Where \
        expected links are given, retrieval is scored: hit (an expected document among the \
        sources) and reciprocal rank. With --judge (or evaluation.judge), a judge model scores \
        faithfulness to the retrieved passages and answer relevance 1–3 and names the relevant \
        passages, from which context precision is computed, as Ragas does. Where a reference \
        answer is given, ROUGE-L against it.

        Without --questions it asks the sample corpus's set, for a workspace built by \
        `twin quickstart`. Prints each measure's mean ± its 95 % interval and the questions that \
        missed; the run is an experiment run (`twin experiments show`).
        """)

    @Option(name: .long, help: "The questions (JSON Lines). Default: the sample corpus's set.")
    var questions: String?
    @Option(name: .long, help: "The judge model (default: evaluation.judge; none: retrieval and ROUGE-L only).")
    var judge: String?
    @Option(name: .long, help: "The LLM that answers (default: llm.model).")
    var model: String?
    @Option(name: .customLong("k"), help: "How many chunks to answer from (default: rag.k).")
    var k: Int?
    @Option(name: .long, help: "Ask at most this many questions.")
    var limit: Int?
    @Option(name: .long, help: "Questions in flight at once.")
    var concurrency = 2
    @OptionGroup var global: GlobalOptions

    func validate() throws {
      if let limit, limit < 1 { throw ValidationError("--limit must be positive") }
      if let k, RAGService.Query.problem(k: k) != nil { throw ValidationError("--k must be between 1 and 50") }
      guard (1...64).contains(concurrency) else { throw ValidationError("--concurrency must be between 1 and 64") }
    }

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let file = questions.map { URL(fileURLWithPath: $0) } ?? SampleSite.ragEvaluationSet
      let asked = Array(try RAGQuestion.load(file).prefix(limit ?? .max))
      let (service, exporter) = try await app.ragService(model: model)
      let judgeName = judge ?? (app.settings.evaluationJudge.isEmpty ? nil : app.settings.evaluationJudge)
      let ragJudge: RAGJudge? = if let judgeName { RAGJudge(llm: try await app.languageModel(judgeName)) } else { nil }
      let answerer = service.llm.modelID
      let recorder = EvaluationRecorder(
        tracker: try app.experimentTracker(), registry: try app.modelRegistry(), blobs: app.workspace.blobs)
      let parameters: JSONValue = [
        "questions": .string(file.lastPathComponent), "count": .int(asked.count), "model": .string(answerer),
        "judge": judgeName.map { .string($0) } ?? .null, "k": .int(k ?? app.settings.rag.k),
        "reranker": .string(app.settings.rag.reranker), "expansions": .int(app.settings.rag.expansions),
      ]
      let k = self.k
      let (run, result) = try await app.withExporter(exporter) {
        try await Interruption.run {
          try await recorder.run(
            rag: RAGEvaluation(judge: ragJudge, concurrency: concurrency), questions: asked, source: file.lastPathComponent,
            model: answerer,
            answer: { question in
              let answer = try await service.answer(RAGService.Query(query: question, k: k))
              return RAGOutcome(answer: answer.answer, passages: answer.sources.map { .init(link: $0.link, text: $0.chunk) })
            }, parameters: parameters, progress: app.progress)
        }
      }
      app.finishProgress()
      if app.json { return try Output.json(Report(run: run, questions: file.lastPathComponent, result: result)) }
      print("\(asked.count) questions from \(file.lastPathComponent), answered by \(answerer)\(judgeName.map { ", judged by \($0)" } ?? ", no judge")")
      Output.table(
        ["measure", "mean ± 95 %", "questions"],
        RAGMetric.allCases.compactMap { m in result.summaries[m].map { [m.rawValue, $0.formatted(), "\($0.count)"] } })
      for q in result.questions {
        if let failure = q.failure { print("✗ \(q.question): \(failure)") }
        else if q.scores[.hit] == 0 { print("miss: \(q.question) (sources: \(q.links.joined(separator: ", ")))") }
      }
      print("experiment run \(RunText.shortID(run)): twin experiments show \(RunText.shortID(run))")
    }

    struct Report: Encodable {
      var run: UUID
      var questions: String
      var result: RAGEvaluationResult
    }
  }
}
