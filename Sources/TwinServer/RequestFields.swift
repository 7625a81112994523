import Foundation

/// Which fields of an OpenAI request the LLM server honours, which it ignores on purpose, and
/// which it refuses: decided once per endpoint, so a field a client relies on is never dropped
/// in silence (a 400 names it instead).
struct RequestFields: Sendable {
  /// Fields that change what is generated, and are implemented.
  let honoured: Set<String>

  /// `/v1/chat/completions`.
  static let chatCompletions = RequestFields(honoured: [
    "model", "messages", "max_tokens", "max_completion_tokens", "temperature", "top_p", "n", "seed", "stop", "stream",
    "stream_options", "response_format", "logprobs", "top_logprobs", "presence_penalty", "frequency_penalty",
    "tools", "tool_choice", "parallel_tool_calls",
  ])

  /// `/v1/completions`.
  static let completions = RequestFields(honoured: [
    "model", "prompt", "max_tokens", "temperature", "top_p", "n", "seed", "stop", "stream", "stream_options",
  ])

  /// Bookkeeping that cannot change the output: accepted and ignored, as clients send them by default.
  static let ignored: Set<String> = ["user", "metadata", "store", "service_tier"]

  /// Why some fields are refused, where there is more to say than "not supported".
  static let reasons: [String: String] = [
    "functions": "the deprecated functions field is not supported: send tools instead",
    "function_call": "the deprecated function_call field is not supported: send tool_choice instead",
    "logit_bias": "logit_bias is not supported",
    "best_of": "best_of is not supported: ask for n choices instead",
    "echo": "echo is not supported",
    "suffix": "suffix (fill in the middle) is not supported",
  ]

  /// The problem with the first field (in name order) the server neither honours nor ignores,
  /// or nil. A field that is null, false, empty or `"text"`-only modalities counts as absent:
  /// clients send defaults explicitly.
  func problem(in body: Data) -> String? {
    guard let object = try? JSONSerialization.jsonObject(with: body) as? [String: Any] else { return nil }
    for key in object.keys.sorted() where !honoured.contains(key) && !Self.ignored.contains(key) {
      if Self.isDefault(object[key], key: key) { continue }
      return "\(key): \(Self.reasons[key] ?? "the field '\(key)' is not supported by this server")"
    }
    return nil
  }

  static func isDefault(_ value: Any?, key: String) -> Bool {
    switch value {
    case nil, is NSNull: return true
    case let flag as Bool: return !flag
    case let list as [Any]:
      return list.isEmpty || (key == "modalities" && list.count == 1 && (list.first as? String) == "text")
    case let object as [String: Any]: return object.isEmpty
    case let number as NSNumber where key == "best_of": return number.intValue == 1
    default: return false
    }
  }
}
