import TwinCore

/// Writes tools, tool calls and tool results into a conversation of plain system, user and
/// assistant turns, which any ``ChatTemplate`` then renders.
///
/// The format is Qwen 2.5's (the Hermes format): the tools as JSON inside `<tools>` in the
/// system turn, each call as `<tool_call>{"name": …, "arguments": …}</tool_call>` in the
/// assistant's turn, and results as `<tool_response>` blocks in a user turn. Through the
/// ChatML template this is exactly what Qwen 2.5's own template renders (checked against it in
/// the tests). Models whose template has no tool format (SmolLM2, Gemma 3, Llama 3 here) get the
/// same text inside their own turn markers: the documented generic format.
public enum ToolPrompt {
  /// `messages` as plain turns; the tools described in the system turn unless `tools` is empty.
  ///
  /// - Parameter defaultSystem: The system text to put the tools after when the conversation
  ///   has no system turn (the template's own default, such as Qwen's).
  public static func lower(_ messages: [ChatMessage], tools: [ToolDefinition], defaultSystem: String?) -> [ChatMessage] {
    var out: [ChatMessage] = []
    var rest = messages[...]
    if !tools.isEmpty {
      let base: String
      if let first = rest.first, first.role == .system {
        base = first.content
        rest = rest.dropFirst()
      } else {
        base = defaultSystem ?? ""
      }
      let section = toolSection(tools)
      out.append(.system(base.isEmpty ? String(section.drop(while: \.isNewline)) : base + section))
    }
    var responses: [String] = []
    func flushResponses() {
      guard !responses.isEmpty else { return }
      out.append(.user(responses.joined(separator: "\n")))
      responses = []
    }
    for message in rest {
      if message.role == .tool {
        responses.append("<tool_response>\n\(message.content)\n</tool_response>")
        continue
      }
      flushResponses()
      if message.role == .assistant, let calls = message.toolCalls, !calls.isEmpty {
        let written = calls.map(callText).joined(separator: "\n")
        out.append(.assistant(message.content.isEmpty ? written : message.content + "\n" + written))
      } else {
        out.append(ChatMessage(role: message.role, content: message.content))
      }
    }
    flushResponses()
    return out
  }

  /// The tools section Qwen 2.5's template appends to the system turn.
  static func toolSection(_ tools: [ToolDefinition]) -> String {
    var text = "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
    text += "You are provided with function signatures within <tools></tools> XML tags:\n<tools>"
    for tool in tools { text += "\n" + tool.wireJSON.pythonJSON }
    text += "\n</tools>\n\nFor each function call, return a json object with function name and arguments within "
    // The doubled braces are Qwen's template's own (a Jinja string literal keeps them).
    text += "<tool_call></tool_call> XML tags:\n<tool_call>\n{{\"name\": <function-name>, \"arguments\": <args-json-object>}}\n</tool_call>"
    return text
  }

  /// Whether every one of `calls` repeats a call already made and answered since the last
  /// user turn (same tool, same arguments). Small models often call a tool again instead of
  /// reading its result; the engine then answers without tools (see
  /// ``LocalLanguageModel/complete(_:onText:)``).
  public static func repeatsAnsweredCalls(_ calls: [ToolCall], in messages: [ChatMessage]) -> Bool {
    guard !calls.isEmpty else { return false }
    let turn = messages.lastIndex { $0.role == .user }.map { messages[($0 + 1)...] } ?? messages[...]
    let answered = Set(turn.compactMap { $0.role == .tool ? $0.toolCallID : nil })
    let made = Set(
      turn.flatMap { $0.toolCalls ?? [] }.filter { answered.contains($0.id) }.map { key($0) })
    return calls.allSatisfy { made.contains(key($0)) }
  }

  /// A call's tool and arguments, the arguments in one canonical form.
  private static func key(_ call: ToolCall) -> String {
    call.name + " " + ((try? JSONValue.parse(call.arguments))?.canonicalJSON ?? call.arguments)
  }

  /// One call as the assistant writes it; arguments that are not JSON are written as given.
  static func callText(_ call: ToolCall) -> String {
    let arguments = (try? JSONValue.parse(call.arguments))?.pythonJSON ?? call.arguments
    return "<tool_call>\n{\"name\": \"\(call.name)\", \"arguments\": \(arguments)}\n</tool_call>"
  }
}
