// twin-bench-llm: prefill and decode speed of Twin's native LLM engine against llama.cpp
// (llama-cpp-python) on the same GGUF files, the same prompt ids and the same thread count, in
// one run.
//
//   swift build -c release --product twin-bench-llm && .build/release/twin-bench-llm
//
// Options: --models LIST (smollm2-135m-instruct,gemma3-270m; any catalog language model, such
// as qwen2.5-coder-1.5b-instruct), --prompt-tokens N (256),
// --decode-tokens N (128), --threads N (2), --repeats N (3: each figure is the best of N; Twin
// and llama.cpp alternate, one repeat each at a time),
// --python PATH (python3), --no-peer.
//
// The prompt is the first N tokens of a fixed English text (repeated as needed) in each model's
// own tokenizer. Prefill is one batched forward pass over the prompt; decode is N greedy tokens
// one at a time, each a forward pass of one token. Peak RSS is each process's own (VmHWM).
import Foundation
import TwinLLM
import TwinModelStore
import TwinTensor
import TwinTestSupport

let usage = """
  usage: twin-bench-llm [--models LIST] [--prompt-tokens N] [--decode-tokens N] [--threads N]
                        [--repeats N] [--python PATH] [--no-peer]

  Prefill and decode speed of Twin's native LLM engine against llama.cpp (llama-cpp-python) on
  the same GGUF files, prompt ids and thread count, printed side by side with their ratio.

    --models LIST         comma-separated catalog language models
                          (smollm2-135m-instruct,gemma3-270m; also qwen2.5-coder-1.5b-instruct)
    --prompt-tokens N     prompt length for prefill (256)
    --decode-tokens N     greedy tokens decoded one at a time (128)
    --threads N           threads for both engines (2)
    --repeats N           each figure is the best of N; the engines alternate (3)
    --python PATH         the Python with llama-cpp-python installed (python3)
    --no-peer             measure Twin alone

  Models come from `twin models pull NAME` (~/.cache/twin/models, or $TWIN_MODELS).
  """

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(1)
}

let valueOptions: Set = ["--models", "--prompt-tokens", "--decode-tokens", "--threads", "--repeats", "--python"]
do {
  var rest = CommandLine.arguments.dropFirst()
  while let argument = rest.popFirst() {
    if argument == "--help" || argument == "-h" {
      print(usage)
      exit(0)
    } else if valueOptions.contains(argument) {
      guard rest.popFirst() != nil else { fail("\(argument) needs a value\n\n\(usage)") }
    } else if argument != "--no-peer" {
      fail("unknown argument '\(argument)'\n\n\(usage)")
    }
  }
}

func option(_ name: String) -> String? {
  let args = CommandLine.arguments
  guard let i = args.firstIndex(of: name), i + 1 < args.count else { return nil }
  return args[i + 1]
}

/// The positive integer given for `name`, or `default`.
func count(_ name: String, default value: Int) -> Int {
  guard let text = option(name) else { return value }
  guard let n = Int(text), n > 0 else { fail("\(name) takes a positive integer, not '\(text)'") }
  return n
}

func peakRSSMiB() -> Double {
  guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
    let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") })
  else { return .nan }
  return (Double(line.split(separator: " ").dropFirst().first ?? "") ?? .nan) / 1024
}

/// The catalog's GGUF language models, by name, with their file.
let files = Dictionary(
  uniqueKeysWithValues: KnownModel.catalog.filter { $0.kind == .gguf }.compactMap { model in
    model.primaryFile.map { (model.name, $0) }
  })
let models = (option("--models") ?? "smollm2-135m-instruct,gemma3-270m").split(separator: ",").map(String.init)
let promptTokens = count("--prompt-tokens", default: 256)
let decodeTokens = count("--decode-tokens", default: 128)
let threads = count("--threads", default: 2)
let repeats = count("--repeats", default: 3)
let python = option("--python") ?? "python3"
let runPeer = !CommandLine.arguments.contains("--no-peer")
Parallel.threadCount = threads

let text = String(
  repeating: """
    Retrieval-augmented generation combines a search step with a language model. Documents are \
    split into chunks, embedded, and stored in a vector index; a question is embedded the same \
    way, the nearest chunks are retrieved and placed in the prompt, and the model answers from \
    that evidence. Teams measure recall, faithfulness, latency and cost, and version prompts \
    like code.
    """, count: 8)

struct Row {
  var model: String
  var twinPrefill, twinDecode, peerPrefill, peerDecode: Double?
  var twinRSS, peerRSS: Double?
  /// Greedy tokens equal to llama.cpp's before the first difference.
  var leadingAgreement: Int?
}
var rows: [Row] = []
let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("llama_cpp_peer.py")

for name in models {
  guard let fileName = files[name] else { fail("unknown model \(name); known: \(files.keys.sorted())") }
  let url: URL
  do { url = try PulledModels.file(name, fileName) } catch { fail("\(error)") }
  // The engine's own loading path, as `twin generate` and the servers take it.
  let context = try LanguageModelLoader.load(url: url, name: name)
  let (tokenizer, model) = (context.tokenizer, context.model)
  let prompt = Array(tokenizer.encode(text).prefix(promptTokens))
  guard prompt.count == promptTokens else { fail("the text gives only \(prompt.count) tokens") }
  print("\(name): \(prompt.count)-token prompt, \(decodeTokens) decoded tokens, \(threads) threads")

  /// One llama.cpp run (one repeat) in its own process: prefill and decode seconds, tokens, RSS.
  func measurePeer() -> (prefill: Double, decode: Double, tokens: [Int32], rss: Double?) {
    let idsFile = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-llm-\(name).json")
    do {
      try JSONEncoder().encode(prompt).write(to: idsFile)
      let outcome = PeerScript.run(
        python: python, script: peerScript,
        arguments: [url.path, idsFile.path, String(decodeTokens), String(threads), "1"])
      if let line = outcome.lastLine, let json = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
        let prefill = json["prefill_seconds"] as? Double, let decode = json["decode_seconds"] as? Double
      {
        let tokens = (json["tokens"] as? [Int] ?? []).map(Int32.init)
        return (prefill, decode, tokens, json["peak_rss_mib"] as? Double)
      }
    } catch {}
    fail("the llama.cpp peer failed (is llama-cpp-python installed? pip install llama-cpp-python)")
  }

  // Twin and llama.cpp alternate, one repeat each at a time, so that a slow spell of this
  // shared machine falls on both rather than on whichever ran during it; each figure is the
  // best of its repeats.
  var bestPrefill = Double.infinity
  var bestDecode = Double.infinity
  var generated: [Int32] = []
  var peerPrefill = Double.infinity
  var peerDecode = Double.infinity
  var peerTokens: [Int32] = []
  var peerRSS: Double?
  for _ in 0..<repeats {
    let cache = KVCache(hyperparameters: model.hyperparameters, capacity: prompt.count + decodeTokens)
    var start = Date()
    var logits = try model.forward(prompt, cache: cache, allLogits: false)
    bestPrefill = min(bestPrefill, Date().timeIntervalSince(start))
    var tokens: [Int32] = []
    start = Date()
    for _ in 0..<decodeTokens {
      let next = Sampler.argmax(logits)
      tokens.append(next)
      logits = try model.forward([next], cache: cache, allLogits: false)
    }
    bestDecode = min(bestDecode, Date().timeIntervalSince(start))
    generated = tokens
    if runPeer {
      let peer = measurePeer()
      peerPrefill = min(peerPrefill, peer.prefill)
      peerDecode = min(peerDecode, peer.decode)
      peerTokens = peer.tokens
      peerRSS = peer.rss
    }
  }
  print(
    String(
      format: "  twin:      prefill %7.1f tok/s, decode %6.1f tok/s", Double(prompt.count) / bestPrefill,
      Double(decodeTokens) / bestDecode))
  var row = Row(
    model: name, twinPrefill: Double(prompt.count) / bestPrefill, twinDecode: Double(decodeTokens) / bestDecode,
    twinRSS: peakRSSMiB())
  if runPeer {
    row.peerPrefill = Double(prompt.count) / peerPrefill
    row.peerDecode = Double(decodeTokens) / peerDecode
    row.peerRSS = peerRSS
    row.leadingAgreement = zip(peerTokens, generated).prefix { $0.0 == $0.1 }.count
    print(String(format: "  llama.cpp: prefill %7.1f tok/s, decode %6.1f tok/s", row.peerPrefill!, row.peerDecode!))
  }
  rows.append(row)
}

func ratio(_ a: Double?, _ b: Double?) -> String {
  guard let a, let b, b > 0 else { return "—" }
  return String(format: "%.2f×", a / b)
}
func number(_ x: Double?) -> String { x.map { String(format: "%.1f", $0) } ?? "—" }

print("\nbest of \(repeats); \(promptTokens)-token prefill, \(decodeTokens)-token greedy decode, \(threads) threads")
print("model                    prefill tok/s (twin / llama.cpp / ratio)   decode tok/s (twin / llama.cpp / ratio)   greedy tokens equal")
for r in rows {
  let line =
    r.model.padding(toLength: 24, withPad: " ", startingAt: 0)
    + " \(number(r.twinPrefill)) / \(number(r.peerPrefill)) / \(ratio(r.twinPrefill, r.peerPrefill))".padding(
      toLength: 44, withPad: " ", startingAt: 0)
    + " \(number(r.twinDecode)) / \(number(r.peerDecode)) / \(ratio(r.twinDecode, r.peerDecode))".padding(
      toLength: 42, withPad: " ", startingAt: 0)
    + " \(r.leadingAgreement.map { $0 == decodeTokens ? "all \(decodeTokens)" : "first \($0) of \(decodeTokens)" } ?? "—")"
  print(line)
}
print(
  "peak RSS: twin \(number(rows.compactMap(\.twinRSS).max())) MiB (this process, all models), llama.cpp "
    + "\(rows.compactMap(\.peerRSS).map { number($0) }.joined(separator: ", ")) MiB (one process per model)")
