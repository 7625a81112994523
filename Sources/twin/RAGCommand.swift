import ArgumentParser
import Foundation
import TwinCore
import TwinRAG

/// `twin rag`: answer a question from the authors' writing, with sources.
struct RAGCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rag",
    abstract: "Answer a question from the feature store, with numbered sources.",
    discussion: """
      The RAG flow: input guardrails (length, prompt injection, PII redaction) → self-query (the \
      LLM picks the author the question names, among the warehouse's authors) → query expansion \
      (rag.expansions alternative phrasings) → filtered vector searches per category, in \
      parallel → rerank (rag.reranker: fusion, none or a cross-encoder) → the top k chunks as \
      numbered context in a versioned prompt → generation (llm.backend: local or openai) → \
      output guardrails. The answer streams as it is generated; sources and the trace id follow. \
      Every call is stored as a trace: `twin traces show <id>`. Run `twin features` first.
      """)

  @Argument(help: "The question.")
  var question: String

  @Option(name: .long, help: "Only this author's writing (skips self-query).")
  var author: String?

  @Option(name: .customLong("k"), help: "How many chunks to answer from (default: rag.k).")
  var k: Int?

  @Option(name: .long, help: "The LLM (default: llm.model).")
  var model: String?

  @Option(name: .long, help: "Alternative phrasings to search with (default: rag.expansions; 0 turns expansion off).")
  var expansions: Int?

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    if let k, !(1...50).contains(k) { throw ValidationError("--k must be between 1 and 50") }
    if let expansions, !(0...8).contains(expansions) { throw ValidationError("--expansions must be between 0 and 8") }
  }

  func run() async throws {
    let app = try await AppContext.open(global: global)
    var (service, exporter) = try await app.ragService(model: model)
    if let expansions { service.settings.expansions = expansions }
    let query = RAGService.Query(query: question, author: author, k: k)
    let answer: RAGService.Answer
    do {
      answer = try await app.withExporter(exporter) { [service] in
        try await Self.ask(service, query, streaming: !app.json)
      }
    } catch let refusal as Refusal where app.json {
      // A script asked for JSON: it gets JSON for a refusal too, with the trace to look up.
      try Output.json(refusal.report)
      throw ExitCode(refusal.category.exitCode)
    }
    if app.json { return try Output.json(answer) }
    Self.printSources(answer)
  }

  /// A question the RAG service refused or could not answer: the error the command exits with,
  /// worded by ``FailureReport``, which `--json` prints as it is.
  struct Refusal: CategorizedError, CustomStringConvertible {
    var report: FailureReport
    var description: String { report.description }
    var category: ErrorCategory { report.category }
  }

  /// Runs one question, streaming the answer to standard output when asked; a refusal or
  /// failure becomes an error that names the trace.
  static func ask(_ service: RAGService, _ query: RAGService.Query, streaming: Bool) async throws -> RAGService.Answer {
    do {
      var printer: (@Sendable (String) -> Void)?
      if streaming {
        // The answer is written unbuffered as it streams; what `print` buffered goes out first.
        fflush(nil)
        printer = { piece in FileHandle.standardOutput.write(Data(piece.utf8)) }
      }
      let answer: RAGService.Answer = try await service.answer(query, onText: printer)
      if streaming { print("") }
      return answer
    } catch let failure as RAGService.Failure {
      if streaming { print("") }
      throw Refusal(report: FailureReport(failure))
    }
  }

  static func printSources(_ answer: RAGService.Answer) {
    print("\nsources:")
    for (i, source) in answer.sources.enumerated() {
      print(
        String(format: "[%d] %.3f  ", i + 1, source.score)
          + "\(source.title ?? "(untitled)") — \(source.author) [\(source.platform)]")
      if let link = source.link { print("    \(link)") }
    }
    let filter = answer.author.map { "author filter: \($0); " } ?? ""
    print("\n\(filter)searched \(answer.queries.count) quer\(answer.queries.count == 1 ? "y" : "ies"); "
      + "model \(answer.model), prompt \(answer.promptTemplate); trace \(answer.traceID)")
  }
}
