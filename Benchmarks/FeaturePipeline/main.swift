// twin-bench-features: end-to-end throughput of the feature pipeline (query → clean → chunk →
// embed → load) on a generated corpus, in documents/s and chunks/s, with each step's share.
//
//   swift build -c release --product twin-bench-features && .build/release/twin-bench-features
//
// Options: --documents N (600: 45% articles, 45% posts, 10% repositories), --model DIR
// (default $TWIN_MODELS/minilm or ~/.cache/twin/models/minilm), --threads N (2).
import Foundation
import TwinCore
import TwinEmbeddings
import TwinOrchestrator
import TwinPipelines
import TwinSQLite
import TwinTensor
import TwinTestSupport

#if canImport(Glibc)
  import Glibc
#endif
func option(_ name: String) -> String? {
  let args = CommandLine.arguments
  guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
  return args[i + 1]
}

func peakRSSMiB() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

func benchmark() async throws {
  let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
  let words = try String(
    contentsOf: here.deletingLastPathComponent().appendingPathComponent("EmbeddingThroughput/words.txt"), encoding: .utf8
  ).split(separator: "\n").map(String.init).filter { !$0.isEmpty }
  let env = ProcessInfo.processInfo.environment
  let modelDir = URL(
    fileURLWithPath: option("--model")
      ?? (env["TWIN_MODELS"].map { $0 + "/minilm" } ?? NSHomeDirectory() + "/.cache/twin/models/minilm"))
  let documentCount = max(10, Int(option("--documents") ?? "") ?? 600)
  Parallel.threadCount = Int(option("--threads") ?? "") ?? 2

  var rng = SplitMix64(seed: 42)
  func sentence(_ min: Int, _ max: Int) -> String {
    var s = (0..<(min + rng.below(max - min + 1))).map { _ in words[rng.below(words.count)] }
    s[0] = s[0].prefix(1).uppercased() + s[0].dropFirst()
    return s.joined(separator: " ") + "."
  }
  func paragraph() -> String { (0..<(2 + rng.below(5))).map { _ in sentence(6, 24) }.joined(separator: " ") }

  let workspaceURL = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-features-\(UUID().uuidString)")
  defer { try? FileManager.default.removeItem(at: workspaceURL) }
  let workspace = try Workspace(path: workspaceURL.path)
  let authors = [
    try await workspace.warehouse.getOrCreateUser(fullName: "Ada Lovecraft"),
    try await workspace.warehouse.getOrCreateUser(fullName: "Ben Okafor"),
  ]
  var documents: [RawDocument] = []
  for i in 0..<documentCount {
    let author = authors[i % authors.count]
    switch i % 20 {
    case 0..<9:
      let body = (0..<(4 + rng.below(12))).map { _ in paragraph() }.joined(separator: "\n\n")
      documents.append(
        try .article(
          content: ["Title": sentence(3, 8), "Subtitle": sentence(5, 12), "Content": body], platform: "medium",
          author: author, link: "https://example.com/articles/\(i)"))
    case 9..<18:
      documents.append(
        try .post(
          content: ["Content": (0..<(1 + rng.below(3))).map { _ in paragraph() }.joined(separator: "\n\n")],
          platform: "linkedin", author: author, link: "https://example.com/posts/\(i)", image: nil))
    default:
      var files: DocumentContent = ["README.md": "# Project \(i)\n\n" + paragraph()]
      for f in 0..<(2 + rng.below(6)) {
        files["src/module\(f).py"] = (0..<(10 + rng.below(80))).map { l in
          "def \(words[rng.below(words.count)])_\(l)(x):\n    return x * \(rng.below(100))  # \(sentence(3, 8))"
        }.joined(separator: "\n\n")
      }
      documents.append(
        try .repository(
          content: files, platform: "github", author: author, name: "project-\(i)",
          link: "https://github.com/example/project-\(i)"))
    }
  }
  try await workspace.warehouse.upsert(documents)

  let embedder = try Embedder(modelDirectory: modelDir)
  let runner = PipelineRunner(store: workspace.runs, blobs: workspace.blobs)

  func run(_ label: String) async throws -> (seconds: Double, report: FeatureLoadReport, steps: [StepRun]) {
    let pipeline = try FeaturePipeline.pipeline(
      warehouse: workspace.warehouse, store: workspace.vectors, embedder: embedder, authors: nil,
      settings: FeatureSettings(), full: false)
    let start = Date()
    let result = try await runner.run(pipeline, noCache: true)
    let seconds = Date().timeIntervalSince(start)
    guard result.run.status == .succeeded, let report = try result.output(FeaturePipeline.loadReport) else {
      fatalError("\(label) failed: \(result.run.error ?? "?")")
    }
    return (seconds, report, result.steps)
  }

  let categories = Dictionary(grouping: documents, by: \.category).mapValues(\.count)
  print(
    "corpus: \(documentCount) documents (\(categories[.articles] ?? 0) articles, \(categories[.posts] ?? 0) posts, \(categories[.repositories] ?? 0) repositories), seed 42; \(Parallel.threadCount) threads, model \(embedder.modelID)\n"
  )
  let cold = try await run("first run")
  let chunks = cold.report.chunksWritten
  print(String(format: "first run      %7.2f s   %7.1f documents/s   %7.1f chunks/s   (%d chunks)", cold.seconds,
    Double(documentCount) / cold.seconds, Double(chunks) / cold.seconds, chunks))
  for step in cold.steps {
    let d = (step.endedAt ?? Date()).timeIntervalSince(step.startedAt ?? Date())
    print(String(format: "  %-22@ %7.2f s  %5.1f%%", step.name as NSString, d, 100 * d / cold.seconds))
  }
  let noop = try await run("no-change run")
  print(String(format: "no-change run  %7.2f s   (%d unchanged, %d written)", noop.seconds, noop.report.unchanged, noop.report.documentsWritten))
  var edited = documents[0]
  edited.content["Content"] = (edited.text("Content") ?? "") + "\n\n" + paragraph()
  try await workspace.warehouse.upsert([edited])
  let edit = try await run("one-edit run")
  print(String(format: "one-edit run   %7.2f s   (%d document, %d chunks written, %d removed)", edit.seconds,
    edit.report.documentsWritten, edit.report.chunksWritten, edit.report.chunksRemoved))
  print(String(format: "\npeak RSS %.0f MiB", peakRSSMiB()))

}

try await benchmark()
