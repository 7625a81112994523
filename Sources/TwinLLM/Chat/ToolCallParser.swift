import Foundation
import TwinCore

/// Reads a generated reply for tool calls, in the forms ``ToolCallMatcher`` lets a model write
/// them: `<tool_call>…</tool_call>` blocks (the text before the first is the message), a
/// `` ```json `` block holding one call, or a reply that is one call's JSON object.
public enum ToolCallParser {
  /// Where a call starts in a reply: the `<tool_call>` tag or the `` ```json `` fence, anywhere.
  static let openings = ["<tool_call>", "```json\n{"]

  /// The reply's message text and its calls, each given a fresh id. A call cut off by
  /// `max_tokens`, or one that is not a name and an arguments object, is dropped.
  public static func parse(_ text: String) -> (content: String, calls: [ToolCall]) {
    if text.drop(while: \.isWhitespace).hasPrefix("{") {
      guard let call = call(in: text) else { return (text, []) }
      return ("", [call])
    }
    let found = openings.compactMap { text.range(of: $0) }.min { $0.lowerBound < $1.lowerBound }
    guard let first = found else { return (text, []) }
    let content = String(text[..<first.lowerBound]).trimmingTrailingWhitespace
    let rest = text[first.lowerBound...]
    if rest.hasPrefix("```json") {
      let body = rest.dropFirst("```json\n".count)
      let end = body.range(of: "\n```")?.lowerBound ?? body.endIndex
      return (content, call(in: String(body[..<end])).map { [$0] } ?? [])
    }
    var calls: [ToolCall] = []
    var remaining = rest
    while let open = remaining.range(of: "<tool_call>"),
      let close = remaining.range(of: "</tool_call>", range: open.upperBound..<remaining.endIndex)
    {
      if let call = call(in: String(remaining[open.upperBound..<close.lowerBound])) { calls.append(call) }
      remaining = remaining[close.upperBound...]
    }
    return (content, calls)
  }

  /// The call a JSON object `{"name": …, "arguments": {…}}` writes, if it is one.
  static func call(in json: String) -> ToolCall? {
    guard let value = try? JSONValue.parse(json), case .string(let name)? = value["name"] else { return nil }
    let arguments = value["arguments"] ?? .object([:])
    guard case .object = arguments else { return nil }
    return ToolCall(id: newID(), name: name, arguments: arguments.canonicalJSON)
  }

  /// An id in OpenAI's form (`call_` and 24 characters).
  static func newID() -> String {
    "call_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(24)
  }
}

extension String {
  fileprivate var trimmingTrailingWhitespace: String {
    var s = Substring(self)
    while let last = s.last, last.isWhitespace { s = s.dropLast() }
    return String(s)
  }
}
