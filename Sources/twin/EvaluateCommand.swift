import ArgumentParser
import Foundation
import TwinCore
import TwinFeatureStore
import TwinRAG
import TwinSampleSite
import TwinConfig
import TwinSQLite

/// `twin evaluate`: measurements of the system's parts.
struct EvaluateCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "evaluate",
    abstract: "Evaluate the system's parts on evaluation sets.",
    subcommands: [Model.self, RAG.self, Retrieval.self, Authors.self])

  struct Retrieval: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Compare rerankers on a retrieval evaluation set (hit@1, hit@3, MRR).",
      discussion: """
        Each line of the set is {"question": "...", "relevant": "<link or its ending>"}. The \
        question alone is searched (no LLM), and every reranker orders the same candidates. \
        Without --set it uses the sample corpus's set, for a workspace built by `twin quickstart`.
        """)

    @Option(name: .long, help: "The evaluation set (JSON Lines). Default: the sample corpus's.")
    var set: String?

    @Option(name: .long, help: "Candidates per collection searched for each question.")
    var candidates = 20

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let url = set.map { URL(fileURLWithPath: $0) } ?? SampleSite.retrievalEvaluationSet
      let cases = try RetrievalEvaluation.load(url)
      let search = try app.chunkSearch(perSearch: candidates)
      var rerankers: [Reranker] = [.none, .fusion]
      if !["none", "fusion"].contains(app.settings.rag.reranker.lowercased()) {
        rerankers.append(try app.reranker())
      }
      let scores = try await RetrievalEvaluation.run(cases, search: search, rerankers: rerankers)
      if app.json { return try Output.json(scores) }
      print("\(cases.count) questions from \(url.lastPathComponent)")
      Output.table(
        ["reranker", "hit@1", "hit@3", "MRR"],
        scores.map { [$0.reranker, String(format: "%.3f", $0.hitAt1), String(format: "%.3f", $0.hitAt3), String(format: "%.3f", $0.mrr)] })
    }
  }
}
