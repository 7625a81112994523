/// One turn of a conversation.
public struct ChatMessage: Sendable, Hashable, Codable {
  public enum Role: String, Sendable, Hashable, Codable {
    case system, user, assistant
  }

  public var role: Role
  public var content: String

  public init(role: Role, content: String) {
    self.role = role
    self.content = content
  }

  public static func system(_ text: String) -> ChatMessage { ChatMessage(role: .system, content: text) }
  public static func user(_ text: String) -> ChatMessage { ChatMessage(role: .user, content: text) }
  public static func assistant(_ text: String) -> ChatMessage { ChatMessage(role: .assistant, content: text) }
}
