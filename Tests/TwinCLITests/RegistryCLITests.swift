import Foundation
import Testing
import TwinCore
import TwinOpenAI

/// The model's life after training, end to end on the real SmolLM2 base: a tiny SFT, evaluated
/// against its base, tracked as experiment runs, promoted through the gate, and served by
/// `@production`; and the errors a user meets on the way.
@Suite(.serialized) struct RegistryCLITests {
  func summary(_ report: [String: Any], model: String, metric: String) throws -> Double {
    let results = try #require(report["results"] as? [[String: Any]])
    let result = try #require(results.first { $0["model"] as? String == model }, "\(model) in \(results.map { $0["model"] })")
    let summaries = try #require(result["summaries"] as? [String: Any])
    return try #require((summaries[metric] as? [String: Any])?["mean"] as? Double, "\(metric) of \(model)")
  }

  @Test func trainEvaluatePromoteAndServeByProduction() async throws {
    let twin = try TwinProcess()
    let (instruct, _) = try TrainCLITests().writeDatasets(in: twin.directory)
    #expect(try await twin.run(["datasets", "import", instruct.path, "--name", "voice"]).status == 0)
    let trained = try await twin.run([
      "train", "sft", "--dataset", "voice", "--epochs", "4", "--rank", "8", "--learning-rate", "2e-3", "--batch-size", "2",
      "--gradient-accumulation", "1", "--warmup-steps", "0", "--max-length", "96",
    ])
    #expect(trained.status == 0, "\(trained.stderr)")

    // The training is an experiment run with its loss curve.
    let runs = try #require(try await twin.json(["experiments", "list"]) as? [[String: Any]])
    let training = try #require(runs.first { $0["experiment"] as? String == "training" })
    let trainingID = try #require(training["id"] as? String)
    #expect(training["status"] as? String == "finished")
    let shown = try await twin.run(["experiments", "show", String(trainingID.prefix(8))])
    #expect(shown.status == 0 && shown.stdout.contains("loss by step"), "\(shown.stdout)\(shown.stderr)")
    #expect(shown.stdout.contains(MetricKey.residentMemory), "system metrics are logged")

    // Evaluated against its base: the author's answers are likelier under the tuned model.
    let report = try #require(
      try await twin.json([
        "evaluate", "model", "--models", "smollm2-135m-instruct,twin-sft@1", "--dataset", "voice@1", "--max-tokens", "16",
      ]) as? [String: Any])
    let base = try summary(report, model: "smollm2-135m-instruct", metric: "perplexity")
    let tuned = try summary(report, model: "twin-sft@1", metric: "perplexity")
    #expect(tuned < base, "perplexity of the author's answers: base \(base), twin-sft@1 \(tuned)")
    #expect(try summary(report, model: "twin-sft@1", metric: "rouge_l") >= 0)
    let shownVersion = try await twin.run(["registry", "show", "twin-sft@1"])
    #expect(shownVersion.stdout.contains("voice@1") && shownVersion.stdout.contains("perplexity"), "\(shownVersion.stdout)")

    // Promoted (nothing in production yet), then served by the alias.
    let promoted = try await twin.run(["registry", "promote", "twin-sft@1"])
    #expect(promoted.status == 0 && promoted.stdout.contains("twin-sft@production"), "\(promoted.stdout)\(promoted.stderr)")
    let aliased = try await twin.run(["registry", "alias", "twin-sft@1", "staging"])
    #expect(aliased.status == 0, "\(aliased.stderr)")
    let removal = try await twin.run(["registry", "remove", "twin-sft@1"])
    #expect(removal.status != 0 && removal.stderr.contains("production"), "removing an aliased version: \(removal.stderr)")

    let (server, baseURL) = try await twin.launchServer(["serve", "llm", "--port", "0", "--model", "twin-sft@production", "--no-embeddings"])
    defer { server.terminate() }
    let question = CompletionRequest(messages: [.user("Why keep keyword search?")], maxTokens: 12, temperature: 0)
    let served = try await OpenAICompatibleClient(baseURL: baseURL, model: "twin-sft@production", apiKey: nil).complete(question)
    let direct = try await twin.run(["generate", "--model", "twin-sft@1", "--max-tokens", "12", "--temperature", "0", "Why keep keyword search?"])
    #expect(!served.text.isEmpty && direct.stdout.contains(served.text), "served: \(served.text) / generate: \(direct.stdout)")

    // Unknown names are errors that name them.
    let unknownAlias = try await twin.run(["generate", "--model", "twin-sft@canary", "hi"])
    #expect(unknownAlias.status != 0 && unknownAlias.stderr.contains("twin-sft@canary"), "\(unknownAlias.stderr)")
    let unknownVersion = try await twin.run(["registry", "promote", "twin-sft@9"])
    #expect(unknownVersion.status != 0 && unknownVersion.stderr.contains("twin-sft@9"), "\(unknownVersion.stderr)")
    let unknownModel = try await twin.run(["evaluate", "model", "--models", "nobody@1", "--dataset", "voice@1"])
    #expect(unknownModel.status != 0 && unknownModel.stderr.contains("nobody"), "\(unknownModel.stderr)")
    let noQuestions = try await twin.run(["evaluate", "rag", "--questions", twin.directory.appendingPathComponent("none.jsonl").path])
    #expect(noQuestions.status == 66 && noQuestions.stderr.contains("none.jsonl"), "\(noQuestions.stderr)")
  }
}
