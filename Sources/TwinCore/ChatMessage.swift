/// One turn of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
  public enum Role: String, Sendable, Hashable, Codable {
    case system, user, assistant
    /// The result of a tool call the assistant asked for (``ChatMessage/toolCallID`` names it).
    case tool
  }

  public var role: Role
  public var content: String
  /// The tools an assistant turn called (nil for every other turn, and for plain answers).
  public var toolCalls: [ToolCall]?
  /// Which call a `tool` turn answers.
  public var toolCallID: String?

  public init(role: Role, content: String, toolCalls: [ToolCall]? = nil, toolCallID: String? = nil) {
    self.role = role
    self.content = content
    self.toolCalls = toolCalls
    self.toolCallID = toolCallID
  }

  public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
  public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
  public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }
  /// The result of the call `id`.
  public static func tool(_ text: String, callID: String) -> ChatMessage {
    ChatMessage(role: .tool, content: text, toolCallID: callID)
  }
}
