// twin-bench-datasets: dataset generation throughput, in samples/s. Twin's generate step
// (SampleGenerator: many prompts in flight through the in-process engine's continuous batching)
// against llama.cpp (llama-cpp-python) generating the same prompts one at a time, on the same
// GGUF file, greedy, each reply constrained by the same JSON schema, in one run.
//
//   swift build -c release --product twin-bench-datasets && .build/release/twin-bench-datasets
//
// The prompts are the pipeline's own (the versioned dataset templates) over extracts cut from
// this repository's Markdown documents, rendered through the model's chat template into token
// ids; the peer is given those ids, so both engines see identical prompts.
import Foundation
import TwinCore
import TwinDatasets
import TwinLLM
import TwinModelStore
import TwinTensor
import TwinTestSupport

let usage = """
  usage: twin-bench-datasets [--model NAME] [--strategy backtranslate|generate] [--extracts N]
                             [--concurrency N] [--max-tokens N] [--threads N] [--python PATH]
                             [--prefix-cache-mib N] [--no-peer]

  Dataset generation throughput (samples/s) of Twin's generate step, many prompts in flight,
  against llama.cpp (llama-cpp-python) running the same prompts one at a time, on the same GGUF
  file, greedy, JSON-schema constrained. Prints both and their ratio.

    --model NAME          a catalog language model (qwen2.5-coder-1.5b-instruct, the default
                          teacher; also smollm2-135m-instruct, gemma3-270m)
    --strategy S          backtranslate (the pipeline's default: one instruction per extract)
                          or generate (the Handbook's: up to five pairs per extract)
    --extracts N          extracts, one prompt each (8)
    --concurrency N       Twin's prompts in flight (8)
    --max-tokens N        reply limit for both (512)
    --threads N           threads for both engines (2)
    --python PATH         the Python with llama-cpp-python installed (python3)
    --prefix-cache-mib N  Twin's prompt-prefix cache (its default, 128); 0 turns it off to
                          measure what it saves (llama-cpp-python keeps its own on)
    --no-peer             measure Twin alone

  Models come from `twin models pull NAME` (~/.cache/twin/models, or $TWIN_MODELS).
  """

func fail(_ message: String) -> Never {
  FileHandle.standardError.write(Data((message + "\n").utf8))
  exit(1)
}

let valueOptions: Set = [
  "--model", "--strategy", "--extracts", "--concurrency", "--max-tokens", "--threads", "--python",
  "--prefix-cache-mib",
]
let (options, runPeer): ([String: String], Bool) = {
  var options: [String: String] = [:]
  var runPeer = true
  var rest = CommandLine.arguments.dropFirst()
  while let argument = rest.popFirst() {
    if argument == "--help" || argument == "-h" {
      print(usage)
      exit(0)
    } else if argument == "--no-peer" {
      runPeer = false
    } else if valueOptions.contains(argument) {
      guard let value = rest.popFirst() else { fail("\(argument) needs a value\n\n\(usage)") }
      options[argument] = value
    } else {
      fail("unknown argument '\(argument)'\n\n\(usage)")
    }
  }
  return (options, runPeer)
}()

/// The positive integer given for `name`, or `default`.
func count(_ name: String, default value: Int) -> Int {
  let options = options
  guard let text = options[name] else { return value }
  guard let n = Int(text), n > 0 else { fail("\(name) takes a positive integer, not '\(text)'") }
  return n
}

let modelName = options["--model"] ?? "qwen2.5-coder-1.5b-instruct"
guard let strategy = DatasetStrategy(rawValue: options["--strategy"] ?? "backtranslate") else {
  fail("--strategy takes backtranslate or generate, not '\(options["--strategy"]!)'")
}
let extractCount = count("--extracts", default: 8)
let concurrency = count("--concurrency", default: 8)
let maxTokens = count("--max-tokens", default: 512)
let threads = count("--threads", default: 2)
let python = options["--python"] ?? "python3"
let prefixCacheBytes: Int = {
  guard let text = options["--prefix-cache-mib"] else { return ContinuousBatcher.defaultPrefixCacheBytes }
  guard let mib = Int(text), mib >= 0 else { fail("--prefix-cache-mib takes a whole number of MiB, not '\(text)'") }
  return mib << 20
}()
Parallel.threadCount = threads

guard let known = KnownModel.catalog.first(where: { $0.name == modelName && $0.kind == .gguf }),
  let fileName = known.primaryFile
else {
  let names = KnownModel.catalog.filter { $0.kind == .gguf }.map(\.name)
  fail("unknown model \(modelName); known: \(names.joined(separator: ", "))")
}
let modelURL: URL
do { modelURL = try PulledModels.file(modelName, fileName) } catch { fail("\(error)") }

// The corpus: this repository's own prose, cut as the pipeline cuts documents.
let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
  .deletingLastPathComponent()
let cutter = try ExtractCutter()
var extracts: [Extract] = []
for (index, name) in ["README.md", "ARCHITECTURE.md", "DEVELOPERS.md"].enumerated() {
  let text = try String(contentsOf: repository.appendingPathComponent(name), encoding: .utf8)
  let documentID = UUID(uuidString: String(format: "00000000-0000-4000-8000-%012d", index))!
  extracts += cutter.cut(text).map {
    Extract(documentID: documentID, category: .articles, authorFullName: "Twin Authors", title: name, text: $0)
  }
}
guard extracts.count >= extractCount else { fail("the corpus gives only \(extracts.count) extracts") }
extracts = Array(extracts.prefix(extractCount))

let model = try LocalLanguageModel(
  url: modelURL, name: modelName, maxBatch: concurrency, prefixCacheBytes: prefixCacheBytes)
var settings = GenerationSettings()
settings.concurrency = concurrency
settings.maxTokens = maxTokens
settings.retries = 0  // the same prompts once each, on both sides
let generator = SampleGenerator(kind: .instruct, strategy: strategy, teacher: model, base: model, settings: settings)
let template = generator.prompt
let prompts = extracts.map { model.promptIDs(template.messages(for: $0)) }
let promptTokens = prompts.map(\.count).reduce(0, +)
print(
  "\(modelName): \(extractCount) extracts (\(promptTokens) prompt tokens), \(template.label), "
    + "max \(maxTokens) tokens, \(threads) threads, prefix cache \(prefixCacheBytes >> 20) MiB")

/// The peer's run: seconds, samples, completion tokens.
func measurePeer() -> (seconds: Double, samples: Int, completionTokens: Int) {
  let jobFile = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-datasets-\(UUID()).json")
  defer { try? FileManager.default.removeItem(at: jobFile) }
  let peerScript = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("llama_cpp_peer.py")
  do {
    let job: JSONValue = .object([
      "schema": template.schema ?? .null, "max_tokens": .int(maxTokens),
      "samples_field": strategy == .generate ? .string("pairs") : .null,
      "prompts": .array(prompts.map { .array($0.map { .int(Int($0)) }) }),
    ])
    try Data(job.canonicalJSON.utf8).write(to: jobFile)
    let outcome = PeerScript.run(
      python: python, script: peerScript, arguments: [modelURL.path, jobFile.path, String(threads)])
    if let line = outcome.lastLine, let json = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
      let seconds = json["seconds"] as? Double, let samples = json["samples"] as? Int,
      let completion = json["completion_tokens"] as? Int
    {
      return (seconds, samples, completion)
    }
  } catch {}
  fail("the llama.cpp peer failed (is llama-cpp-python installed? pip install llama-cpp-python)")
}

let started = Date()
let outcome = try await generator.run(extracts, progress: SilentProgress())
let twinSeconds = Date().timeIntervalSince(started)
let twinRate = Double(outcome.samples.count) / twinSeconds
print(
  String(
    format: "  twin (%d in flight): %6.1f s, %3d samples, %2d failed, %5.3f samples/s, %5.1f generated tokens/s",
    concurrency, twinSeconds, outcome.samples.count, outcome.failures.count, twinRate,
    Double(outcome.completionTokens) / twinSeconds))
for failure in outcome.failures.prefix(3) { print("    failed: \(failure.reason)") }

if runPeer {
  let peer = measurePeer()
  let peerRate = Double(peer.samples) / peer.seconds
  print(
    String(
      format: "  llama.cpp (one at a time): %6.1f s, %3d samples, %5.3f samples/s, %5.1f generated tokens/s",
      peer.seconds, peer.samples, peerRate, Double(peer.completionTokens) / peer.seconds))
  print(String(format: "samples/s ratio (twin / llama.cpp): %.2f×", peerRate > 0 ? twinRate / peerRate : .nan))
}
