import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TwinCore

/// The LLM port over any OpenAI-compatible server: `twin serve llm`, vLLM, TGI, llama.cpp's
/// server, Ollama or OpenAI itself, given its base URL (`…/v1`) and an API key.
///
/// The key is sent only in the `Authorization` header; it never appears in errors, logs or
/// `description`.
public final class OpenAICompatibleClient: LanguageModelClient, CustomStringConvertible {
  public let modelID: String
  public let baseURL: String
  private let apiKey: String?
  private let timeout: TimeAmount
  private let http: HTTPClient

  /// - Parameters:
  ///   - baseURL: The API root, such as `http://127.0.0.1:8000/v1`.
  ///   - model: The model name the server knows.
  public init(baseURL: String, model: String, apiKey: String?, timeoutSeconds: Double = 300) throws {
    guard let url = URL(string: baseURL), let scheme = url.scheme, ["http", "https"].contains(scheme), url.host != nil
    else { throw LanguageModelError.invalidRequest("llm.base_url '\(baseURL)' is not an http(s) URL") }
    self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
    modelID = model
    self.apiKey = apiKey?.isEmpty == true ? nil : apiKey
    timeout = .milliseconds(Int64(timeoutSeconds * 1000))
    // The process-wide client: no shutdown to forget, connections pooled across calls.
    http = HTTPClient.shared
  }

  public var description: String { "OpenAI-compatible \(baseURL) (\(modelID))" }

  public func complete(
    _ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?
  ) async throws -> Completion {
    let streaming = onText != nil
    var post = HTTPClientRequest(url: baseURL + "/chat/completions")
    post.method = .POST
    post.headers.add(name: "Content-Type", value: "application/json")
    if let apiKey { post.headers.add(name: "Authorization", value: "Bearer \(apiKey)") }
    let body = try JSONEncoder().encode(OpenAIWire.ChatRequest(request, model: modelID, stream: streaming))
    post.body = .bytes(ByteBuffer(bytes: body))

    let response: HTTPClientResponse
    do {
      response = try await http.execute(post, timeout: timeout)
    } catch {
      throw LanguageModelError.backend("\(baseURL) cannot be reached: \(error)")
    }
    guard response.status == .ok else {
      let data = Data(try await response.body.collect(upTo: 1 << 20).readableBytesView)
      let message =
        (try? JSONDecoder().decode(OpenAIWire.ErrorBody.self, from: data))?.error.message
        ?? String(decoding: data.prefix(500), as: UTF8.self)
      throw LanguageModelError.backend("\(baseURL) answered \(response.status.code): \(message)")
    }
    if let onText { return try await readStream(response, onText: onText) }
    let data = Data(try await response.body.collect(upTo: 64 << 20).readableBytesView)
    let reply: OpenAIWire.ChatResponse
    do { reply = try JSONDecoder().decode(OpenAIWire.ChatResponse.self, from: data) } catch {
      throw LanguageModelError.malformedReply("\(baseURL): \(error)")
    }
    guard let choice = reply.choices.first else { throw LanguageModelError.malformedReply("\(baseURL): no choices") }
    var calls: [ToolCall] = []
    for (i, call) in (choice.message.toolCalls ?? []).enumerated() {
      do { calls.append(try call.call(at: "choices[0].message.tool_calls[\(i)]")) } catch {
        throw LanguageModelError.malformedReply("\(baseURL): \(error)")
      }
    }
    return Completion(
      text: choice.message.content ?? "", finishReason: Completion.FinishReason(wire: choice.finishReason),
      promptTokens: reply.usage?.promptTokens ?? 0, completionTokens: reply.usage?.completionTokens ?? 0,
      model: reply.model, toolCalls: calls.isEmpty ? nil : calls,
      cachedPromptTokens: reply.usage?.promptTokensDetails?.cachedTokens)
  }

  /// Reads server-sent events (`data: {chunk}` lines, ending with `data: [DONE]`).
  private func readStream(_ response: HTTPClientResponse, onText: @Sendable (String) -> Bool) async throws -> Completion {
    var text = ""
    var finish = "stop"
    var model = modelID
    var usage: OpenAIWire.Usage?
    var pieces = 0
    var pending: [UInt8] = []
    // Streamed calls arrive in pieces keyed by index: the first names the call, the rest
    // append to its arguments.
    var calls: [Int: ToolCall] = [:]
    func handle(_ line: [UInt8]) throws -> Bool {
      let string = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces)
      guard string.hasPrefix("data:") else { return true }
      let payload = string.dropFirst(5).trimmingCharacters(in: .whitespaces)
      if payload == "[DONE]" { return false }
      let chunk: OpenAIWire.ChatChunk
      do { chunk = try JSONDecoder().decode(OpenAIWire.ChatChunk.self, from: Data(payload.utf8)) } catch {
        throw LanguageModelError.malformedReply("\(baseURL): stream event: \(error)")
      }
      model = chunk.model
      if let u = chunk.usage { usage = u }
      for choice in chunk.choices {
        if let piece = choice.delta.content, !piece.isEmpty {
          text += piece
          pieces += 1
          // The caller has enough: stop reading, which closes the stream.
          if !onText(piece) { return false }
        }
        for piece in choice.delta.toolCalls ?? [] {
          let index = piece.index ?? 0
          var call = calls[index] ?? ToolCall(id: "", name: "", arguments: "")
          if let id = piece.id { call.id = id }
          if let name = piece.function.name { call.name += name }
          call.arguments += piece.function.arguments ?? ""
          calls[index] = call
        }
        if let reason = choice.finishReason { finish = reason }
      }
      return true
    }
    reading: for try await buffer in response.body {
      pending += buffer.readableBytesView
      while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
        let line = Array(pending[..<newline])
        pending.removeSubrange(...newline)
        if try !handle(line) { break reading }
      }
    }
    return Completion(
      text: text, finishReason: Completion.FinishReason(wire: finish), promptTokens: usage?.promptTokens ?? 0,
      completionTokens: usage?.completionTokens ?? pieces, model: model,
      toolCalls: calls.isEmpty ? nil : calls.keys.sorted().map { calls[$0]! },
      cachedPromptTokens: usage?.promptTokensDetails?.cachedTokens)
  }
}
