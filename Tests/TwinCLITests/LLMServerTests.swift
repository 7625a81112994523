import Foundation
import Synchronization
import Testing
import TwinCore
import TwinOpenAI

/// `twin serve llm` as a real process, driven by the official `openai` Python client and by
/// Twin's own OpenAI-compatible client (the LLM port's remote backend).
@Suite(.serialized) struct LLMServerTests {
  @Test func theOfficialOpenAIClientAndTwinsOwnClientWork() async throws {
    let twin = try TwinProcess()
    let key = "test-key-\(UUID().uuidString)"
    // The reference: the same engine's greedy answer in process, through `twin generate`.
    let generated = try await twin.json([
      "generate", "What is the capital of France?", "--max-tokens", "24", "--temperature", "0",
    ]) as! [String: Any]
    let expected = try #require(generated["text"] as? String)
    let (server, baseURL) = try await twin.launchServer(["serve", "llm", "--port", "0", "--api-key", key])
    defer { server.terminate() }

    let (status, log) = try await runPython("openai_client_check.py", [baseURL, key, expected])
    #expect(status == 0, "openai client checks:\n\(log)")
    #expect(log.contains("all checks passed"))

    // Twin's own client: plain, streamed (and stopped early by the caller) and schema-constrained.
    let client = try OpenAICompatibleClient(baseURL: baseURL, model: "smollm2-135m-instruct", apiKey: key)
    let question = CompletionRequest(messages: [.user("What is the capital of France?")], maxTokens: 24)
    let plain = try await client.complete(question)
    #expect(plain.text == expected)
    #expect(plain.completionTokens > 0)
    // The same question again: every prompt token but the last comes from the prompt cache.
    let again = try await client.complete(question)
    #expect(again.text == expected)
    #expect(again.cachedPromptTokens == again.promptTokens - 1)
    // Streamed, the usage chunk carries the same figure.
    let streamedAgain = try await client.complete(question, onText: { _ in true })
    #expect(streamedAgain.text == expected)
    #expect(streamedAgain.promptTokens == again.promptTokens)
    #expect(streamedAgain.cachedPromptTokens == again.promptTokens - 1)
    let pieces = PieceCounter()
    let early = try await client.complete(question, onText: { pieces.add($0) < 3 })
    #expect(pieces.count == 3)
    #expect(early.text.count < plain.text.count)
    let schema: JSONValue = [
      "type": "object", "properties": ["answer": ["type": "string", "maxLength": 30]], "required": ["answer"],
    ]
    let json = try await client.complete(
      CompletionRequest(messages: [.user("Answer in JSON: capital of France?")], maxTokens: 40,
        responseFormat: .jsonSchema(name: "answer", schema: schema)))
    let decoded = try JSONDecoder().decode([String: String].self, from: Data(json.text.utf8))
    #expect(decoded["answer"] != nil)

    // Tools through the port: the calls come back the same, plain or streamed.
    let weather = ToolDefinition(
      name: "get_weather", parameters: ["type": "object", "properties": ["city": ["type": "string"]], "required": ["city"]])
    let toolRequest = CompletionRequest(
      messages: [.user("What's the weather in Paris?")], maxTokens: 48, tools: [weather], toolChoice: .required,
      parallelToolCalls: false)
    let called = try await client.complete(toolRequest)
    #expect(called.finishReason == .toolCalls)
    #expect(called.toolCalls?.first?.name == "get_weather")
    let streamedCall = try await client.complete(toolRequest, onText: { _ in true })
    #expect(streamedCall.finishReason == .toolCalls)
    #expect(streamedCall.toolCalls?.map(\.arguments) == called.toolCalls?.map(\.arguments))
    #expect(streamedCall.toolCalls?.first?.id.hasPrefix("call_") == true)

    // Without the key: 401, and the error names the server but never the key.
    let anonymous = try OpenAICompatibleClient(baseURL: baseURL, model: "smollm2-135m-instruct", apiKey: nil)
    await #expect {
      try await anonymous.complete(question)
    } throws: { error in
      "\(error)".contains("401") && !"\(error)".contains(key)
    }
  }

  /// LangChain's `ChatOpenAI` with `bind_tools`: a two-turn agent loop on Qwen 2.5 Coder 1.5B,
  /// which decides by itself to call the tool.
  @Test func langChainRunsAToolCallingAgent() async throws {
    let twin = try TwinProcess()
    let key = "test-key-\(UUID().uuidString)"
    let model = "qwen2.5-coder-1.5b-instruct"
    let (server, baseURL) = try await twin.launchServer([
      "serve", "llm", "--port", "0", "--api-key", key, "--model", model, "--no-embeddings", "--max-batch", "1",
    ])
    defer { server.terminate() }
    let (status, log) = try await runPython("langchain_tools_check.py", [baseURL, key, model])
    #expect(status == 0, "LangChain checks:\n\(log)")
    #expect(log.contains("all checks passed"))
  }

  @Test func aFullQueueIsRefusedAndADisconnectStopsTheGeneration() async throws {
    let twin = try TwinProcess()
    let (server, baseURL) = try await twin.launchServer([
      "serve", "llm", "--port", "0", "--max-batch", "1", "--queue", "0", "--no-embeddings",
    ])
    defer { server.terminate() }
    let log = try await runPython("overload_check.py", [String(baseURL.dropLast(3))])
    #expect(log.status == 0, "overload checks:\n\(log.output)")
  }

  /// Runs one of the Python check scripts beside this file.
  func runPython(_ script: String, _ arguments: [String]) async throws -> (status: Int32, output: String) {
    let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(script).path
    let python = Process()
    python.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    python.arguments = ["python3", path] + arguments
    let output = Pipe()
    python.standardOutput = output
    python.standardError = output
    try python.run()
    await TwinProcess.waitForExit(python)
    return (python.terminationStatus, String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
  }

  @Test func hostileTokenCountsAreRefusedNotFatal() async throws {
    let twin = try TwinProcess()
    for count in ["9223372036854775807", "0", "40000"] {
      let result = try await twin.run(["generate", "Hello", "--max-tokens", count])
      // 64 is a usage error; a crash would end with the signal's number (SIGILL, 4).
      #expect(result.status == 64, "\(count): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains("--max-tokens must be between 1 and 32768"), "\(result.stderr)")
    }
  }

  @Test func exposingTheServerNeedsAnAPIKey() async throws {
    let twin = try TwinProcess()
    let result = try await twin.run(["serve", "llm", "--host", "0.0.0.0", "--port", "0"])
    #expect(result.status != 0)
    #expect(result.stderr.contains("api-key"))
  }
}

/// Counts streamed pieces from the client's callback thread.
final class PieceCounter: Sendable {
  private let value = Synchronization.Mutex(0)
  func add(_ piece: String) -> Int { value.withLock { $0 += 1; return $0 } }
  var count: Int { value.withLock { $0 } }
}

extension TwinProcess {
  /// Starts a `twin serve …` process on a free port and returns it with the URL its banner
  /// line announces, once it listens.
  /// Its standard error is read as it comes (``ServerErrors``), so a chatty server never
  /// blocks on a full pipe and a failing test can show what the server said.
  func launchServer(_ arguments: [String], environment: [String: String] = [:]) async throws -> (Process, String) {
    let (process, out, err) = try launch(arguments, environment: environment)
    ServerErrors.capture(err, of: process)
    let line = await BlockingWork.wait {
      var text = ""
      while !text.contains("\n") {
        let data = out.fileHandleForReading.availableData
        if data.isEmpty { break }
        text += String(decoding: data, as: UTF8.self)
      }
      return text
    }
    let url = try #require(line.split(separator: " ").first { $0.hasPrefix("http://") }, "no banner: \(line)")
    return (process, String(url).trimmingCharacters(in: .whitespacesAndNewlines))
  }
}

/// What servers launched by the tests write to standard error, read until they exit.
enum ServerErrors {
  private static let readers = Mutex<[Int32: Task<Data, Never>]>([:])

  static func capture(_ pipe: Pipe, of process: Process) {
    let handle = pipe.fileHandleForReading
    let reader = Task { await BlockingWork.wait { handle.readDataToEndOfFile() } }
    readers.withLock { $0[process.processIdentifier] = reader }
  }

  /// Everything `process` wrote to standard error; waits for it to close the stream (exit).
  static func text(of process: Process) async -> String {
    guard let reader = readers.withLock({ $0.removeValue(forKey: process.processIdentifier) }) else { return "" }
    return String(decoding: await reader.value, as: UTF8.self)
  }
}
