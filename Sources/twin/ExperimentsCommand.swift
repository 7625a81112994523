import ArgumentParser
import Foundation
import TwinCore
import TwinSQLite

/// `twin experiments`: training and evaluation runs, their parameters, curves and artifacts.
struct ExperimentsCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "experiments",
    abstract: "Experiment runs: what each training and evaluation was given and what it measured.",
    discussion: """
      Every `twin train` and `twin evaluate model` is an experiment run, recorded as it goes (a \
      run that crashes keeps its curve): parameters, metrics by step (loss, learning_rate, \
      grad_norm, tokens_per_second, eval_loss; system/rss_mib and system/cpu_percent), its \
      artifacts, and the dataset and model versions it used. With tracking.mlflow_uri set, runs \
      are mirrored to that MLflow server too.
      """,
    subcommands: [List.self, Show.self, Compare.self])

  struct List: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "List runs, newest first.")

    @Option(name: .long, help: "Only runs of this experiment (training, evaluation).")
    var experiment: String?
    @Option(name: .long, help: "At most this many runs.")
    var limit = 20
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      guard limit > 0 else { throw ValidationError("--limit must be positive") }
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let runs = try await app.workspace.experiments.runs(experiment: experiment, limit: limit)
      if app.json { return try Output.json(runs) }
      guard !runs.isEmpty else {
        print("no experiment run yet: `twin train sft` and `twin evaluate model` record them")
        return
      }
      Output.table(
        ["run", "experiment", "name", "status", "started", "took"],
        runs.map { r in
          [
            RunText.shortID(r.id), r.experiment, r.name, r.status.rawValue, Output.timestamp(r.startedAt),
            Output.duration(r.endedAt.map { $0.timeIntervalSince(r.startedAt) }),
          ]
        })
    }
  }

  struct Show: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Show a run: parameters, final metrics, the loss curve and artifacts.")

    @Argument(help: "The run's id or its first 8 characters.")
    var run: String
    @Option(name: .long, help: "The metric drawn as a curve.")
    var curve = MetricKey.loss
    @OptionGroup var global: GlobalOptions

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let store = app.workspace.experiments
      let record = try await store.run(run)
      let points = try await store.metrics(run: record.id)
      let artifacts = try await store.artifacts(run: record.id)
      if app.json { return try Output.json(Details(run: record, metrics: points, artifacts: artifacts)) }
      print("\(RunText.shortID(record.id))  \(record.name)  [\(record.experiment), \(record.status)]")
      print(
        "started \(Output.timestamp(record.startedAt))"
          + (record.endedAt.map { ", took \(Output.duration($0.timeIntervalSince(record.startedAt)))" } ?? ""))
      if !record.inputs.isEmpty { print("inputs: \(record.inputs.joined(separator: ", "))") }
      let parameters = record.parameters.flattened
      if !parameters.isEmpty {
        print("parameters:")
        for (key, value) in parameters { print("  \(key) = \(value.count > 80 ? value.prefix(77) + "..." : value)") }
      }
      let finals = ExperimentsCommand.finalValues(points)
      if !finals.isEmpty {
        print("metrics (last value, step):")
        for (key, point) in finals.sorted(by: { $0.key < $1.key }) {
          print(String(format: "  %@ = %.6g (step %d)", key, point.value, point.step))
        }
      }
      let curve = points.filter { $0.key == self.curve }
      if curve.count > 1 {
        print("\(self.curve) by step:")
        print(CurvePlot(points: curve.map { (Double($0.step), $0.value) }).render())
      }
      if !artifacts.isEmpty {
        print("artifacts:")
        for a in artifacts { print("  \(a.path)  \(a.bytes) bytes  \(a.blob.prefix(12))") }
      }
    }

    struct Details: Encodable {
      var run: ExperimentRun
      var metrics: [MetricPoint]
      var artifacts: [RunArtifact]
    }
  }

  struct Compare: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Parameters and final metrics of runs side by side; rows that differ are marked.")

    @Argument(help: "Two or more run ids (or their first 8 characters).")
    var runs: [String]
    @OptionGroup var global: GlobalOptions

    func validate() throws {
      guard runs.count >= 2 else { throw ValidationError("give two or more runs to compare") }
    }

    func run() async throws {
      let app = try await AppContext.open(global: global, workspace: .readOnly)
      let store = app.workspace.experiments
      var records: [ExperimentRun] = []
      var finals: [[String: MetricPoint]] = []
      for id in runs {
        let record = try await store.run(id)
        records.append(record)
        finals.append(ExperimentsCommand.finalValues(try await store.metrics(run: record.id)))
      }
      let parameters = records.map { Dictionary($0.parameters.flattened.map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a }) }
      if app.json {
        return try Output.json(
          zip(records, zip(parameters, finals)).map { Compared(run: $0, parameters: $1.0, metrics: $1.1.mapValues(\.value)) })
      }
      var rows: [[String]] = [["name"] + records.map(\.name), ["status"] + records.map(\.status.rawValue)]
      for key in Set(parameters.flatMap(\.keys)).sorted() {
        let values = parameters.map { $0[key] ?? "-" }
        rows.append([(Set(values).count > 1 ? "* " : "  ") + key] + values.map { $0.count > 40 ? String($0.prefix(37)) + "..." : $0 })
      }
      for key in Set(finals.flatMap(\.keys)).sorted() {
        let values = finals.map { $0[key].map { String(format: "%.6g", $0.value) } ?? "-" }
        rows.append([(Set(values).count > 1 ? "* " : "  ") + key] + values)
      }
      Output.table(["run"] + records.map { RunText.shortID($0.id) }, rows)
      print("(* differs)")
    }

    struct Compared: Encodable {
      var run: ExperimentRun
      var parameters: [String: String]
      var metrics: [String: Double]
    }
  }

  /// Each metric's value at its highest step.
  static func finalValues(_ points: [MetricPoint]) -> [String: MetricPoint] {
    var last: [String: MetricPoint] = [:]
    for p in points where last[p.key].map({ p.step >= $0.step }) ?? true { last[p.key] = p }
    return last
  }
}

/// A curve drawn in the terminal: a grid of characters, the y range on the left, the x range
/// below. Points that fall in one column are averaged.
struct CurvePlot {
  var points: [(x: Double, y: Double)]
  var width = 60
  var height = 12

  func render() -> String {
    let finite = points.filter { $0.y.isFinite }
    guard let xMin = finite.map(\.x).min(), let xMax = finite.map(\.x).max(), let yMin = finite.map(\.y).min(),
      let yMax = finite.map(\.y).max()
    else { return "  (no finite value)" }
    let columns = min(width, finite.count)
    var sums = [Double](repeating: 0, count: columns)
    var counts = [Int](repeating: 0, count: columns)
    for p in finite {
      let c = xMax > xMin ? min(columns - 1, Int((p.x - xMin) / (xMax - xMin) * Double(columns - 1) + 0.5)) : 0
      sums[c] += p.y
      counts[c] += 1
    }
    var grid = [[Character]](repeating: [Character](repeating: " ", count: columns), count: height)
    for c in 0..<columns where counts[c] > 0 {
      let y = sums[c] / Double(counts[c])
      let r = yMax > yMin ? Int(((yMax - y) / (yMax - yMin) * Double(height - 1)).rounded()) : height / 2
      grid[r][c] = "•"
    }
    let labels = (0..<height).map { r -> String in
      r == 0 ? String(format: "%9.4g", yMax) : r == height - 1 ? String(format: "%9.4g", yMin) : String(repeating: " ", count: 9)
    }
    var lines = zip(labels, grid).map { "\($0) │\(String($1))" }
    lines.append(String(repeating: " ", count: 10) + "└" + String(repeating: "─", count: columns))
    let left = String(format: "%.0f", xMin)
    let right = String(format: "%.0f", xMax)
    lines.append(
      String(repeating: " ", count: 11) + left + String(repeating: " ", count: max(1, columns - left.count - right.count)) + right)
    return lines.joined(separator: "\n")
  }
}
