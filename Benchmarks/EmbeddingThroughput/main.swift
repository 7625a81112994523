// twin-bench-embed: sentence-embedding throughput of Twin's native BERT against
// sentence-transformers (CPU torch), on the same generated corpus, in one run.
//
//   swift build -c release --product twin-bench-embed && .build/release/twin-bench-embed
//
// Options: --model DIR (default $TWIN_MODELS/minilm or ~/.cache/twin/models/minilm),
// --sentences N (2000), --batch N (32), --threads N (2), --python PATH (python3), --no-peer.
import Foundation
import TwinEmbeddings
import TwinTensor
import TwinTestSupport

#if canImport(Glibc)
  import Glibc
#endif
/// 2,000 sentences of 40–120 words drawn from the committed word list with seed 42.
func corpus(count: Int, words: [String]) -> [String] {
  var rng = SplitMix64(seed: 42)
  return (0..<count).map { _ in
    let length = 40 + Int(rng.next() % 81)
    var sentence = (0..<length).map { _ in words[Int(rng.next() % UInt64(words.count))] }
    sentence[0] = sentence[0].prefix(1).uppercased() + sentence[0].dropFirst()
    return sentence.joined(separator: " ") + "."
  }
}

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

let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
let env = ProcessInfo.processInfo.environment
let modelDir = URL(
  fileURLWithPath: option("--model")
    ?? (env["TWIN_MODELS"].map { $0 + "/minilm" } ?? NSHomeDirectory() + "/.cache/twin/models/minilm"))
let count = Int(option("--sentences") ?? "") ?? 2000
let batch = Int(option("--batch") ?? "") ?? 32
let threads = Int(option("--threads") ?? "") ?? 2
let python = option("--python") ?? "python3"
let runPeer = !CommandLine.arguments.contains("--no-peer")

let words = try String(contentsOf: here.appendingPathComponent("words.txt"), encoding: .utf8)
  .split(separator: "\n").map(String.init)
let sentences = corpus(count: count, words: words)
let corpusFile = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-embed-\(getpid()).txt")
try (sentences.joined(separator: "\n") + "\n").write(to: corpusFile, atomically: true, encoding: .utf8)
defer { try? FileManager.default.removeItem(at: corpusFile) }

Parallel.threadCount = threads
let embedder: Embedder
do {
  embedder = try Embedder(modelDirectory: modelDir, batchSize: batch)
} catch {
  FileHandle.standardError.write(Data("cannot load \(modelDir.path): \(error)\nrun: twin models pull minilm\n".utf8))
  exit(1)
}
let lengths = sentences.map { embedder.tokenize($0).count }
let tokens = lengths.reduce(0, +)
// The useful work: matrix-product FLOPs of every sentence at its own length (padding excluded).
let flops = lengths.reduce(0) { $0 + embedder.config.forwardFLOPs(tokens: $1) }
print("corpus: \(count) sentences, \(tokens) tokens (seed 42, \(words.count)-word list); batch \(batch), \(threads) threads")

_ = try await embedder.embed(Array(sentences.prefix(batch)))  // warm-up
let start = ContinuousClock.now
let vectors = try await embedder.embed(sentences)
let elapsed = ContinuousClock.now - start
let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
precondition(vectors.count == count)
let twin = (sps: Double(count) / seconds, tps: Double(tokens) / seconds, rss: peakRSSMiB())

/// The machine's ceiling for this model: Twin's GEMM kernel alone on the encoder's largest
/// product (the feed-forward up-projection, one batch of average-length sentences × the
/// intermediate size × the hidden size), best of 20, on the same threads. The distance between
/// the pipeline's GFLOP/s and this is what attention, normalisation and GELU cost.
func gemmCeiling(config: BertConfig, rows: Int) -> Double {
  var rng = SplitMix64(seed: 7)
  func randoms(_ count: Int) -> [Float] { (0..<count).map { _ in Float(rng.next() % 2001) / 1000 - 1 } }
  let (m, n, k) = (rows, config.intermediateSize, config.hiddenSize)
  let a = randoms(m * k)
  let weights = randoms(n * k)
  let packed = weights.withUnsafeBufferPointer { PackedMatrix($0.baseAddress!, rows: n, cols: k) }
  var c = [Float](repeating: 0, count: m * n)
  var best = Double.infinity
  for _ in 0..<20 {
    let start = ContinuousClock.now
    a.withUnsafeBufferPointer { ap in
      c.withUnsafeMutableBufferPointer { cp in
        Kernels.gemm(ap.baseAddress!, rows: m, packed: packed, into: cp.baseAddress!, bias: nil)
      }
    }
    let elapsed = ContinuousClock.now - start
    best = min(best, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18)
  }
  return 2 * Double(m * n * k) / best / 1e9
}
let ceiling = gemmCeiling(config: embedder.config, rows: batch * max(1, tokens / max(count, 1)))

struct PeerResult: Decodable {
  var sentences_per_second: Double
  var tokens_per_second: Double
  var peak_rss_mib: Double
  var seconds: Double
  var torch: String
}

var peer: PeerResult?
if runPeer {
  let outcome = PeerScript.run(
    python: python, script: here.appendingPathComponent("sentence_transformers_peer.py"),
    arguments: [modelDir.path, corpusFile.path, "--batch", "\(batch)", "--threads", "\(threads)"])
  if let line = outcome.lastLine {
    peer = try JSONDecoder().decode(PeerResult.self, from: line)
  } else {
    print("peer failed (exit \(outcome.status)); install it with: pip install sentence-transformers")
  }
}

func fmt(_ v: Double, _ digits: Int = 1) -> String { String(format: "%.\(digits)f", v) }
print("")
print("                      sentences/s    tokens/s   seconds   GFLOP/s   peak RSS MiB")
print("twin (Swift)          \(fmt(twin.sps).padding(12))   \(fmt(twin.tps, 0).padding(9))  \(fmt(seconds, 2).padding(7))   \(fmt(flops / seconds / 1e9).padding(7))   \(fmt(twin.rss, 0))")
if let peer {
  print("sentence-transformers \(fmt(peer.sentences_per_second).padding(12))   \(fmt(peer.tokens_per_second, 0).padding(9))  \(fmt(peer.seconds, 2).padding(7))   \(fmt(flops / peer.seconds / 1e9).padding(7))   \(fmt(peer.peak_rss_mib, 0))   (torch \(peer.torch))")
}
print("")
print("GFLOP/s counts the matrix products at each sentence's own length (\(fmt(flops / Double(tokens) / 1e6)) MFLOP a token).")
print("this machine's GEMM kernel alone, \(threads) threads, on the model's largest product: \(fmt(ceiling)) GFLOP/s; twin reaches \(fmt(100 * flops / seconds / 1e9 / ceiling, 0)) % of it")
if let peer {
  print("ratio twin / sentence-transformers: \(fmt(twin.sps / peer.sentences_per_second, 2))×  (goal ≥ 1.5×)")
}

extension String {
  func padding(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
