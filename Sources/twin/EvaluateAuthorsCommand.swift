import ArgumentParser
import Foundation
import TwinConfig
import TwinCore
import TwinRAG
import TwinSampleSite

extension EvaluateCommand {
  /// `twin evaluate authors`: self-query's author filter on author-naming questions.
  struct Authors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Score self-query's author filter on questions that name their authors.",
      discussion: """
        Each line of --set is {"question": "...", "known": ["<author>", ...], "authors": \
        ["<expected>", ...]}: the authors the workspace would know, in the order they are listed \
        to the model, and the filter the question should get (empty: no filter). A question is \
        right when its filter is exactly the expected authors. Named authors are matched without \
        the LLM; --model is asked only where no author is named outright. Needs no workspace \
        data. Without --set it uses the sample corpus's set: the Handbook's two authors and the \
        sample site's three, in several phrasings and orders.
        """)

    @Option(name: .long, help: "The evaluation set (JSON Lines). Default: the sample corpus's.")
    var set: String?
    @Option(name: .long, help: "The LLM self-query asks (default: llm.model).")
    var model: String?
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global)
      let url = set.map { URL(fileURLWithPath: $0) } ?? SampleSite.authorEvaluationSet
      let cases = try AuthorFilterEvaluation.load(url)
      let llm = try await app.languageModel(model ?? app.settings.llm.model)
      let (summary, results) = try await AuthorFilterEvaluation.run(cases, llm: llm)
      if app.json {
        try Output.json(Report(summary: summary, results: results))
        return
      }
      print("\(summary.questions) questions from \(url.lastPathComponent), model \(summary.model)")
      let misses = results.filter { !$0.right }
      if !misses.isEmpty {
        print("missed:")
        Output.table(
          ["question", "expected", "found", "method"],
          misses.map { [String($0.question.prefix(60)), $0.expected.joined(separator: ", "), $0.found.joined(separator: ", "), $0.method] })
      }
      print(
        String(
          format: "authors right: %d of %d (%.1f %%); the model was asked %d times", summary.right, summary.questions,
          summary.accuracy * 100, summary.askedTheModel))
    }

    struct Report: Encodable {
      var summary: AuthorFilterEvaluation.Summary
      var results: [AuthorFilterEvaluation.Result]
    }
  }
}
