// twin-bench-vectors: HNSW build time, queries per second and recall of TwinVectorIndex against
// Python's hnswlib, on the same vectors, queries and exact ground truth, in one run.
//
//   swift build -c release --product twin-bench-vectors && .build/release/twin-bench-vectors
//
// Options: --count N (100000), --queries N (1000), --m N (16), --ef-construction N (200),
// --ef-search LIST (64,128,256), --dataset random|text|both (both), --dimension N (384, random
// only), --threads N (2, for building), --repeats N (3: QPS is the best of N passes),
// --model DIR (default $TWIN_MODELS/minilm or ~/.cache/twin/models/minilm), --python PATH
// (python3), --no-peer.
//
// Datasets: "random" is unit vectors with Gaussian components (Box–Muller over splitmix64, seed
// 42; queries seed 43). "text" is MiniLM embeddings of generated sentences of 8–24 words from
// the EmbeddingThroughput word list (corpus seed 42, queries seed 43), cached under
// ~/.cache/twin/bench/ since embedding 100k sentences takes minutes. Both use the cosine metric.
// QPS@1 issues the queries one at a time on one thread; QPS@2 on two threads claiming queries
// one at a time — hnswlib's knn_query does the same in C++ with num_threads 1 and 2. Each QPS is
// the best of --repeats passes. "QPS@1 per CPU second" divides by the querying thread's CPU time
// instead of wall time, which discounts time the thread was descheduled: on a shared machine it
// is the steadier comparison (memory-bandwidth contention still shows in both).
import Foundation
import Synchronization
import TwinEmbeddings
import TwinTensor
import TwinVectorIndex
import TwinTestSupport

#if canImport(Glibc)
  import Glibc
#endif
func option(_ name: String) -> String? {
  let args = CommandLine.arguments
  guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
  return args[i + 1]
}

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(1)
}

func peakRSSMiB() -> Double {
  var usage = rusage()
  getrusage(RUSAGE_SELF.rawValue, &usage)
  return Double(usage.ru_maxrss) / 1024
}

func seconds(_ d: Duration) -> Double {
  Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

func timed<R>(_ body: () throws -> R) rethrows -> (R, Double) {
  let start = ContinuousClock.now
  let result = try body()
  return (result, seconds(ContinuousClock.now - start))
}

// MARK: Datasets

/// `count` unit vectors with independent standard normal components (Box–Muller).
func randomUnitVectors(count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in
    var v = [Float](repeating: 0, count: dimension)
    var i = 0
    while i < dimension {
      let r = (-2 * log(rng.unit())).squareRoot()
      let theta = 2 * Double.pi * rng.unit()
      v[i] = Float(r * cos(theta))
      if i + 1 < dimension { v[i + 1] = Float(r * sin(theta)) }
      i += 2
    }
    return Kernels.l2Normalized(v)
  }
}

/// `count` sentences of 8–24 words from `words`.
func sentences(count: Int, words: [String], seed: UInt64) -> [String] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in
    let length = 8 + Int(rng.next() % 17)
    var sentence = (0..<length).map { _ in words[Int(rng.next() % UInt64(words.count))] }
    sentence[0] = sentence[0].prefix(1).uppercased() + sentence[0].dropFirst()
    return sentence.joined(separator: " ") + "."
  }
}

/// Raw little-endian float32 rows.
func writeFloats(_ rows: [[Float]], to url: URL) throws {
  var data = Data(capacity: rows.count * (rows.first?.count ?? 0) * 4)
  for row in rows { row.withUnsafeBytes { data.append(contentsOf: $0) } }
  try data.write(to: url, options: .atomic)
}

func readFloats(_ url: URL, rows: Int, dimension: Int) -> [[Float]]? {
  guard let data = try? Data(contentsOf: url), data.count == rows * dimension * 4 else {
    return nil
  }
  return data.withUnsafeBytes { raw in
    let floats = raw.bindMemory(to: Float.self)
    return (0..<rows).map { Array(floats[($0 * dimension)..<(($0 + 1) * dimension)]) }
  }
}

/// MiniLM embeddings of generated sentences, cached by count and seed.
func textEmbeddings(count: Int, seed: UInt64, role: String, embedder: () throws -> Embedder)
  async throws -> [[Float]]
{
  let cache = URL(fileURLWithPath: NSHomeDirectory() + "/.cache/twin/bench")
  let file = cache.appendingPathComponent("minilm-\(role)-n\(count)-seed\(seed).f32")
  if let cached = readFloats(file, rows: count, dimension: 384) {
    print("  \(role): \(count) cached embeddings from \(file.path)")
    return cached
  }
  let words = try String(
    contentsOf: here.appendingPathComponent("../EmbeddingThroughput/words.txt"), encoding: .utf8
  )
  .split(separator: "\n").map(String.init)
  let texts = sentences(count: count, words: words, seed: seed)
  let model = try embedder()
  print("  \(role): embedding \(count) sentences with \(model.modelID)…")
  let (vectors, elapsed) = try await timedAsync { try await model.embed(texts) }
  print(
    "  \(role): \(String(format: "%.0f", elapsed)) s (\(String(format: "%.0f", Double(count) / elapsed)) sentences/s)"
  )
  try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
  try writeFloats(vectors, to: file)
  return vectors
}

func timedAsync<R>(_ body: () async throws -> R) async rethrows -> (R, Double) {
  let start = ContinuousClock.now
  let result = try await body()
  return (result, seconds(ContinuousClock.now - start))
}

// MARK: Measurements

/// Runs `body(i)` for every query index on `threads` threads, each claiming the next index.
func forEachQuery(_ count: Int, threads: Int, _ body: (Int) -> Void) {
  let next = Atomic<Int>(0)
  Parallel.threadCount = threads
  Parallel.forRange(threads, minChunk: 1) { _ in
    while true {
      let i = next.wrappingAdd(1, ordering: .relaxed).oldValue
      guard i < count else { return }
      body(i)
    }
  }
}

/// One result per query, written from several threads (each index by exactly one thread) and
/// read after the loop. A raw buffer rather than an array: concurrent element writes to a Swift
/// array would race on its uniqueness check.
final class ResultSlots: @unchecked Sendable {
  let count: Int
  private let slots: UnsafeMutablePointer<[Int]>

  init(_ count: Int) {
    self.count = count
    slots = .allocate(capacity: count)
    slots.initialize(repeating: [], count: count)
  }

  deinit {
    slots.deinitialize(count: count)
    slots.deallocate()
  }

  func set(_ i: Int, _ value: [Int]) { slots[i] = value }
  var values: [[Int]] { Array(UnsafeBufferPointer(start: slots, count: count)) }
}

struct TwinRun {
  var ef: Int
  var qps1: Double
  var cpuQPS1: Double
  var qps2: Double
  var recall: Double
}

func recall(_ found: [[Int]], _ truth: [[Int]], k: Int) -> Double {
  var hits = 0
  for (f, t) in zip(found, truth) { hits += Set(f.prefix(k)).intersection(t).count }
  return Double(hits) / Double(truth.count * k)
}

/// CPU time consumed by the calling thread, in seconds: unlike wall time, it does not count
/// time the thread spent descheduled while other processes used the core.
func threadCPUSeconds() -> Double {
  var spec = timespec()
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
  return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
}

/// The best of `repeats` timed passes over all queries on `threads` threads (wall time, and for
/// one thread also the thread's CPU time); the results of the last pass.
func measure(_ index: HNSWIndex, _ queries: [[Float]], k: Int, ef: Int, threads: Int, repeats: Int)
  -> (qps: Double, cpuQPS: Double, results: [[Int]])
{
  let slots = ResultSlots(queries.count)
  var best = Double.infinity
  var bestCPU = Double.infinity
  for _ in 0..<repeats {
    let cpuStart = threadCPUSeconds()
    let (_, elapsed) = timed {
      forEachQuery(queries.count, threads: threads) { i in
        slots.set(i, index.search(queries[i], k: k, ef: ef).map(\.slot))
      }
    }
    best = min(best, elapsed)
    bestCPU = min(bestCPU, threadCPUSeconds() - cpuStart)
  }
  return (Double(queries.count) / best, Double(queries.count) / bestCPU, slots.values)
}

/// One efSearch of the peer's JSON (snake_case keys, decoded with `.convertFromSnakeCase`).
struct PeerRun: Decodable {
  var ef: Int
  var qps1: Double
  var cpuQps1: Double
  var qps2: Double
  var recall: Double
}

struct PeerResult: Decodable {
  var buildSeconds: Double
  var runs: [PeerRun]
  var peakRssMib: Double
  var hnswlib: String
}

func runPeer(
  data: [[Float]], queries: [[Float]], truth: [[Int]], k: Int, m: Int, efConstruction: Int,
  efSearch: [Int], threads: Int, repeats: Int
) throws -> PeerResult? {
  let dir = FileManager.default.temporaryDirectory.appendingPathComponent(
    "twin-bench-vectors-\(getpid())")
  try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
  defer { try? FileManager.default.removeItem(at: dir) }
  try writeFloats(data, to: dir.appendingPathComponent("data.f32"))
  try writeFloats(queries, to: dir.appendingPathComponent("queries.f32"))
  var ids = Data(capacity: truth.count * k * 4)
  for row in truth {
    precondition(row.count == k, "a query has fewer than k exact neighbours")
    for id in row { withUnsafeBytes(of: Int32(id).littleEndian) { ids.append(contentsOf: $0) } }
  }
  try ids.write(to: dir.appendingPathComponent("truth.i32"))

  let outcome = PeerScript.run(
    python: python, script: here.appendingPathComponent("hnswlib_peer.py"),
    arguments: [
      dir.path, "--dim", "\(data[0].count)", "--m", "\(m)", "--ef-construction", "\(efConstruction)",
    "--ef-search", efSearch.map(String.init).joined(separator: ","), "--k", "\(k)",
      "--threads", "\(threads)", "--repeats", "\(repeats)",
    ])
  guard let line = outcome.lastLine else {
    print("peer failed (exit \(outcome.status)); install it with: pip install hnswlib numpy")
    return nil
  }
  let decoder = JSONDecoder()
  decoder.keyDecodingStrategy = .convertFromSnakeCase
  return try decoder.decode(PeerResult.self, from: line)
}

// MARK: Main

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let env = ProcessInfo.processInfo.environment
let count = Int(option("--count") ?? "") ?? 100_000
let queryCount = Int(option("--queries") ?? "") ?? 1000
let m = Int(option("--m") ?? "") ?? 16
let efConstruction = Int(option("--ef-construction") ?? "") ?? 200
let efSearch = (option("--ef-search") ?? "64,128,256").split(separator: ",").compactMap { Int($0) }
let datasetChoice = option("--dataset") ?? "both"
let randomDimension = Int(option("--dimension") ?? "") ?? 384
let buildThreads = Int(option("--threads") ?? "") ?? 2
let repeats = max(1, Int(option("--repeats") ?? "") ?? 3)
let python = option("--python") ?? "python3"
let withPeer = !CommandLine.arguments.contains("--no-peer")
let modelDir = URL(
  fileURLWithPath: option("--model")
    ?? (env["TWIN_MODELS"].map { $0 + "/minilm" } ?? NSHomeDirectory()
      + "/.cache/twin/models/minilm"))
let k = 10

guard count > k, queryCount > 0, m >= 2, efConstruction >= 1, !efSearch.isEmpty else {
  fail(
    "bad options: need --count > \(k), --queries > 0, --m ≥ 2, --ef-construction ≥ 1, --ef-search LIST"
  )
}
let datasets: [String] =
  switch datasetChoice {
  case "random": ["random"]
  case "text": ["text"]
  case "both": ["random", "text"]
  default: fail("--dataset must be random, text or both")
  }

func fmt(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }

extension String {
  func padded(_ width: Int) -> String {
    count >= width ? self : String(repeating: " ", count: width - count) + self
  }
}

var report: [String] = []
for dataset in datasets {
  print("dataset \(dataset): preparing \(count) vectors and \(queryCount) queries")
  let data: [[Float]]
  let queries: [[Float]]
  let description: String
  if dataset == "random" {
    data = randomUnitVectors(count: count, dimension: randomDimension, seed: 42)
    queries = randomUnitVectors(count: queryCount, dimension: randomDimension, seed: 43)
    description = "random unit vectors, splitmix64 seeds 42/43"
  } else {
    Parallel.threadCount = buildThreads
    var loaded: Embedder?
    let load = {
      if let loaded { return loaded }
      do {
        let model = try Embedder(modelDirectory: modelDir, batchSize: 64)
        loaded = model
        return model
      } catch {
        fail("cannot load \(modelDir.path): \(error)\nrun: twin models pull minilm")
      }
    }
    data = try await textEmbeddings(count: count, seed: 42, role: "corpus", embedder: load)
    queries = try await textEmbeddings(count: queryCount, seed: 43, role: "queries", embedder: load)
    description = "MiniLM embeddings of generated 8–24-word sentences, seeds 42/43"
  }
  let dimension = data[0].count

  // Twin: build on `buildThreads` threads, then exact ground truth, then QPS per ef.
  Parallel.threadCount = buildThreads
  let index = HNSWIndex(
    dimension: dimension, metric: .cosine,
    parameters: HNSWParameters(m: m, efConstruction: efConstruction))
  let (_, buildSeconds) = try timed { try index.add(data) }
  print("  twin: built in \(fmt(buildSeconds, 2)) s")
  let truthSlots = ResultSlots(queryCount)
  forEachQuery(queryCount, threads: 2) { i in
    truthSlots.set(i, index.exactSearch(queries[i], k: k).map(\.slot))
  }
  let truth = truthSlots.values
  // Warm-up: fault in the scratch buffers and caches before timing.
  forEachQuery(min(queryCount, 100), threads: 1) { i in _ = index.search(queries[i], k: k) }
  var twinRuns: [TwinRun] = []
  for ef in efSearch {
    let one = measure(index, queries, k: k, ef: ef, threads: 1, repeats: repeats)
    let two = measure(index, queries, k: k, ef: ef, threads: 2, repeats: repeats)
    twinRuns.append(
      TwinRun(
        ef: ef, qps1: one.qps, cpuQPS1: one.cpuQPS, qps2: two.qps,
        recall: recall(one.results, truth, k: k)))
    print(
      "  twin: ef \(ef): \(fmt(one.qps, 0)) QPS@1 (\(fmt(one.cpuQPS, 0)) per CPU second), \(fmt(two.qps, 0)) QPS@2, recall@10 \(fmt(twinRuns.last!.recall, 4))"
    )
  }

  var peer: PeerResult?
  if withPeer {
    print("  hnswlib: building and querying (\(python))…")
    peer = try runPeer(
      data: data, queries: queries, truth: truth, k: k, m: m, efConstruction: efConstruction,
      efSearch: efSearch, threads: buildThreads, repeats: repeats)
  }

  report.append("")
  report.append(
    "\(dataset): \(count) × \(dimension), \(description); \(queryCount) queries, k \(k), cosine")
  report.append(
    "M \(m), efConstruction \(efConstruction), build on \(buildThreads) threads; QPS best of \(repeats)"
  )
  report.append(
    "       build s          QPS@1                   QPS@1 per CPU second    QPS@2                   recall@10"
  )
  report.append(
    "   ef  twin  hnswlib    twin  hnswlib  ratio    twin  hnswlib  ratio    twin  hnswlib  ratio    twin    hnswlib"
  )
  for run in twinRuns {
    let p = peer?.runs.first { $0.ef == run.ef }
    func column(_ twin: Double, _ other: Double?) -> String {
      "\(fmt(twin, 0).padded(6)) \((other.map { fmt($0, 0) } ?? "–").padded(8)) "
        + "\((other.map { fmt(twin / $0, 2) + "×" } ?? "–").padded(6))"
    }
    var line = "  \(String(run.ef).padded(3))"
    line +=
      " \(fmt(buildSeconds).padded(5)) \((peer.map { fmt($0.buildSeconds) } ?? "–").padded(8))"
    line += "  " + column(run.qps1, p?.qps1)
    line += "  " + column(run.cpuQPS1, p?.cpuQps1)
    line += "  " + column(run.qps2, p?.qps2)
    line += "  \(fmt(run.recall, 4).padded(6)) \((p.map { fmt($0.recall, 4) } ?? "–").padded(9))"
    report.append(line)
  }
  if let peer {
    report.append(
      "peak RSS: twin \(fmt(peakRSSMiB(), 0)) MiB (this process so far: data arrays, index, model if it embedded), hnswlib \(fmt(peer.peakRssMib, 0)) MiB (numpy data and index; hnswlib \(peer.hnswlib))"
    )
  } else {
    report.append("peak RSS: twin \(fmt(peakRSSMiB(), 0)) MiB (this process so far)")
  }
}
print(report.joined(separator: "\n"))
