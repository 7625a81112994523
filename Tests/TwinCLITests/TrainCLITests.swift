import Foundation
import Testing

/// `twin train` end to end on the real SmolLM2 base: SFT on an imported instruct dataset, the
/// trained model run by name and exported, DPO from it on a preference dataset, and the errors
/// a user meets first.
@Suite(.serialized) struct TrainCLITests {
  /// Short samples in one voice: the test split repeats the training answers' phrasing, so a
  /// few steps must lower its perplexity.
  static let answers = [
    "Hybrid search keeps BM25 next to the vectors, because exact terms still matter to readers.",
    "I crawl politely: one request at a time per host, and I always read robots.txt first.",
    "Chunk on paragraphs, not on token counts, and the retriever finds whole thoughts.",
    "A reranker earns its keep only when the first stage returns too many near misses.",
  ]

  func writeDatasets(in directory: URL) throws -> (instruct: URL, preference: URL) {
    let fm = FileManager.default
    let instruct = directory.appendingPathComponent("voice")
    let preference = directory.appendingPathComponent("prefs")
    for d in [instruct, preference] { try fm.createDirectory(at: d, withIntermediateDirectories: true) }
    func line(_ object: [String: String]) throws -> String {
      String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
    }
    let questions = [
      "Why keep keyword search?", "How do you crawl?", "How should documents be chunked?", "When is a reranker worth it?",
    ]
    var train = "", test = "", ptrain = "", ptest = ""
    for (q, a) in zip(questions, Self.answers) {
      train += try line(["instruction": q, "output": a, "category": "articles"]) + "\n"
      test += try line(["instruction": q + " Say it again.", "output": a, "category": "articles"]) + "\n"
      let rejected = "It depends on many factors and there is no single answer to this question."
      ptrain += try line(["prompt": q, "chosen": a, "rejected": rejected, "category": "articles"]) + "\n"
      ptest += try line(["prompt": q + " Briefly.", "chosen": a, "rejected": rejected, "category": "articles"]) + "\n"
    }
    try train.write(to: instruct.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
    try test.write(to: instruct.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
    try ptrain.write(to: preference.appendingPathComponent("train.jsonl"), atomically: true, encoding: .utf8)
    try ptest.write(to: preference.appendingPathComponent("test.jsonl"), atomically: true, encoding: .utf8)
    return (instruct, preference)
  }

  @Test func sftThenDPOThenServeAndExport() async throws {
    let twin = try TwinProcess()
    let (instruct, preference) = try writeDatasets(in: twin.directory)
    #expect(try await twin.run(["datasets", "import", instruct.path, "--name", "voice"]).status == 0)
    #expect(try await twin.run(["datasets", "import", preference.path, "--name", "prefs"]).status == 0)

    // Errors that name the input.
    let wrongKind = try await twin.run(["train", "sft", "--dataset", "prefs"])
    #expect(wrongKind.status != 0 && wrongKind.stderr.contains("prefs@1 is a preference dataset"), "\(wrongKind.stderr)")
    let badRank = try await twin.run(["train", "sft", "--dataset", "voice", "--rank", "0"])
    #expect(badRank.status != 0 && badRank.stderr.contains("lora rank"), "\(badRank.stderr)")
    let badTarget = try await twin.run(["train", "sft", "--dataset", "voice", "--targets", "qproj"])
    #expect(badTarget.status != 0 && badTarget.stderr.contains("'qproj' is not a projection"), "\(badTarget.stderr)")

    let sft = [
      "train", "sft", "--dataset", "voice", "--epochs", "4", "--rank", "8", "--learning-rate", "2e-3", "--batch-size", "2",
      "--gradient-accumulation", "1", "--warmup-steps", "0", "--max-length", "96",
    ]
    let trained = try await twin.json(sft) as! [String: Any]
    let model = try #require(trained["model"] as? [String: Any])
    #expect(model["name"] as? String == "twin-sft" && model["version"] as? Int == 1 && model["created"] as? Bool == true)
    let evaluation = try #require(trained["evaluation"] as? [String: Any])
    let before = try #require((evaluation["before"] as? [String: Any])?["perplexity"] as? Double)
    let after = try #require((evaluation["after"] as? [String: Any])?["perplexity"] as? Double)
    #expect(after < before, "SFT lowers the test split's perplexity: \(before) → \(after)")
    let adapter = try #require(trained["adapter"] as? [String: Any])
    #expect(adapter["steps"] as? Int == 8)

    // The same training again gives the same adapter: no new version.
    let again = try await twin.json(sft) as! [String: Any]
    #expect((again["model"] as? [String: Any])?["created"] as? Bool == false)

    // The trained model runs by name, and differs from its base.
    let prompt = ["generate", "--max-tokens", "12", "--temperature", "0", "Why keep keyword search?"]
    let tuned = try await twin.run(prompt + ["--model", "twin-sft@1"])
    let base = try await twin.run(prompt + ["--model", "smollm2-135m-instruct"])
    #expect(tuned.status == 0 && !tuned.stdout.isEmpty, "\(tuned.stderr)")
    #expect(tuned.stdout != base.stdout, "the adapter changes the answer")
    let listed = try await twin.run(["models", "trained"])
    #expect(listed.stdout.contains("twin-sft@1") && listed.stdout.contains("voice@1"), "\(listed.stdout)")

    // Export: peft files, the GGUF adapter, and a merged model that runs alone.
    let out = twin.directory.appendingPathComponent("exported")
    let exported = try await twin.run(["models", "export", "twin-sft", "--dir", out.path, "--merged", "q8_0"])
    #expect(exported.status == 0, "\(exported.stderr)")
    for file in ["peft/adapter_config.json", "peft/adapter_model.safetensors", "twin-sft-1.lora.gguf", "twin-sft-1.q8_0.gguf"] {
      #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent(file).path), "\(file)")
    }
    let merged = try await twin.run(prompt + ["--model", out.appendingPathComponent("twin-sft-1.q8_0.gguf").path])
    #expect(merged.status == 0 && !merged.stdout.isEmpty, "\(merged.stderr)")

    // DPO from the SFT model: the chosen answers win more often than before.
    let dpo = try await twin.json([
      "train", "dpo", "--from", "twin-sft", "--dataset", "prefs", "--epochs", "3", "--rank", "8", "--learning-rate", "5e-3",
      "--batch-size", "2", "--gradient-accumulation", "1", "--warmup-steps", "0", "--max-length", "96",
    ]) as! [String: Any]
    let dpoModel = try #require(dpo["model"] as? [String: Any])
    #expect(dpoModel["name"] as? String == "twin-dpo")
    let dpoEvaluation = try #require(dpo["evaluation"] as? [String: Any])
    let accuracyBefore = try #require((dpoEvaluation["before"] as? [String: Any])?["rewardAccuracy"] as? Double)
    let accuracyAfter = try #require((dpoEvaluation["after"] as? [String: Any])?["rewardAccuracy"] as? Double)
    #expect(accuracyAfter > accuracyBefore, "reward accuracy \(accuracyBefore) → \(accuracyAfter)")
    let dpoRun = try await twin.run(prompt + ["--model", "twin-dpo"])
    #expect(dpoRun.status == 0 && !dpoRun.stdout.isEmpty, "\(dpoRun.stderr)")

    let unknown = try await twin.run(["train", "dpo", "--from", "nobody", "--dataset", "prefs"])
    #expect(unknown.status != 0 && unknown.stderr.contains("trained models: twin-dpo, twin-sft"), "\(unknown.stderr)")
  }
}
