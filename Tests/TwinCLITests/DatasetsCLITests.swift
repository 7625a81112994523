import Foundation
import Testing

/// `twin datasets` end to end with the real local model (SmolLM2, which the tests pull).
@Suite(.serialized) struct DatasetsCLITests {
  @Test func generateShowExportImportAndRerun() async throws {
    let twin = try TwinProcess()
    let export = twin.directory.appendingPathComponent("export")
    try writeGeneratedExport(to: export, posts: 10)
    #expect(try await twin.run(["import", "--dir", export.path]).status == 0)

    let empty = try await twin.run(["datasets", "generate", "instruct", "--model", "smollm2-135m-instruct"])
    #expect(empty.status != 0, "no features yet")
    #expect(empty.stdout.contains("twin features"), "\(empty.stdout)")

    #expect(try await twin.run(["features"]).status == 0)
    let arguments = ["datasets", "generate", "instruct", "--model", "smollm2-135m-instruct", "--max-extracts", "4"]
    let first = try await twin.json(arguments) as! [String: Any]
    let dataset = try #require(first["dataset"] as? [String: Any])
    #expect(dataset["name"] as? String == "instruct" && dataset["version"] as? Int == 1 && dataset["created"] as? Bool == true)

    // Every sample parses, and its answer is the author's own text.
    let shown = try await twin.json(["datasets", "show", "instruct@1", "--samples", "100"]) as! [String: Any]
    let samples = try #require(shown["samples"] as? [[String: Any]])
    #expect(!samples.isEmpty)
    let posts = try String(contentsOf: export.appendingPathComponent("PostDocument.json"), encoding: .utf8)
    for sample in samples {
      let instruction = try #require(sample["instruction"] as? String)
      let answer = try #require(sample["answer"] as? String)
      #expect(instruction.count >= 10)
      #expect(posts.contains(answer), "the answer traces back to a post: \(answer)")
    }

    // Nothing changed: every step but the reads is reused and no version is added.
    let again = try await twin.json(arguments) as! [String: Any]
    #expect((again["dataset"] as? [String: Any])?["created"] as? Bool == false)
    let steps = try #require(again["steps"] as? [[String: Any]])
    #expect(steps.filter { $0["status"] as? String == "cached" }.count == 4)

    let out = twin.directory.appendingPathComponent("out")
    #expect(try await twin.run(["datasets", "export", "instruct@latest", "--dir", out.path]).status == 0)
    let train = try String(contentsOf: out.appendingPathComponent("train.jsonl"), encoding: .utf8)
    #expect(train.contains("\"instruction\"") && train.contains("\"output\""))
    let imported = try await twin.run(["datasets", "import", out.path, "--name", "copy"])
    #expect(imported.status == 0 && imported.stdout.contains("as copy@1"), "\(imported.stderr)")
    let list = try await twin.run(["datasets", "list"])
    #expect(list.stdout.contains("instruct@1") && list.stdout.contains("copy@1"))

    let unknown = try await twin.run(["datasets", "show", "instruct@9"])
    #expect(unknown.status != 0 && unknown.stderr.contains("'instruct' has versions 1 to 1"), "\(unknown.stderr)")
    let badName = try await twin.run(["datasets", "export", "a/b", "--dir", out.path])
    #expect(badName.status != 0 && badName.stderr.contains("'a/b' is not a dataset reference"))
    let feedback = try await twin.run(["datasets", "from-feedback"])
    #expect(feedback.status == 0 && feedback.stdout.contains("no new corrected feedback"))
  }
}
