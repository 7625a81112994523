import ArgumentParser
import Foundation
import TwinCore
import TwinSQLite

/// `twin traces`: the prompt-monitoring record of RAG calls.
struct TracesCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "traces",
    abstract: "List monitored RAG calls and show their spans.",
    subcommands: [List.self, Show.self], defaultSubcommand: List.self)

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List recent traces, newest first.")

    @Option(name: .long, help: "How many traces to show.")
    var limit = 20

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let traces = try await app.workspace.traces.recentTraces(limit: max(1, limit))
      if app.json { return try Output.json(traces) }
      if traces.isEmpty { return print("no traces yet: try `twin rag \"your question\"`") }
      Output.table(
        ["trace", "name", "status", "started", "duration", "query"],
        traces.map {
          [
            $0.id, $0.name, $0.status.rawValue, Output.timestamp($0.startedAt),
            Output.duration($0.durationMilliseconds / 1000), TracesCommand.short(TracesCommand.query(of: $0), 60),
          ]
        })
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show one trace: its input, output and every span with timing, model and tokens.")

    @Argument(help: "The trace id (or a unique prefix of it).")
    var id: String

    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let store = app.workspace.traces
      var found = try await store.trace(id: id)
      if found == nil {
        let matches = try await store.recentTraces(limit: 10_000).filter { $0.id.hasPrefix(id.lowercased()) }
        guard matches.count <= 1 else { throw TwinError.invalidInput("trace prefix \(id) matches \(matches.count) traces") }
        if let match = matches.first { found = try await store.trace(id: match.id) }
      }
      guard let trace = found else { throw TwinError.notFound(kind: .trace, name: id, hint: "see `twin traces list`") }
      let feedback = try await store.feedback(traceID: trace.id)
      if app.json { return try Output.json(Shown(trace: trace, feedback: feedback)) }
      print("trace \(trace.id)  \(trace.name)  \(trace.status.rawValue)  \(Output.timestamp(trace.startedAt))  "
        + Output.duration(trace.durationMilliseconds / 1000))
      print("input:  \(short(trace.input.canonicalJSON, 300))")
      print("output: \(short(trace.output.canonicalJSON, 300))\n")
      Output.table(
        ["span", "status", "duration", "details"],
        trace.spans.map { span in
          let details = span.attributes.keys.sorted().map { "\($0)=\(TracesCommand.plain(span.attributes[$0]!))" }
          return [
            span.name, span.status.rawValue, Output.duration(span.durationMilliseconds / 1000),
            (details + (span.error.map { ["error: \($0)"] } ?? [])).joined(separator: " "),
          ]
        })
      for item in feedback {
        print("\nfeedback \(item.score)\(item.comment.map { ": \($0)" } ?? "")")
      }
    }

    func short(_ text: String, _ n: Int) -> String { TracesCommand.short(text, n) }

    struct Shown: Encodable {
      var trace: Trace
      var feedback: [Feedback]
    }
  }

  static func short(_ text: String, _ n: Int) -> String {
    let flat = text.replacingOccurrences(of: "\n", with: " ")
    return flat.count > n ? flat.prefix(n) + "…" : flat
  }

  static func query(of trace: Trace) -> String {
    if case .object(let o) = trace.input, case .string(let q)? = o["query"] { return q }
    return ""
  }

  static func plain(_ value: JSONValue) -> String {
    if case .string(let s) = value { return s }
    return value.canonicalJSON
  }
}
