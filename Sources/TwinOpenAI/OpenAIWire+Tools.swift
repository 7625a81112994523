import Foundation
import TwinCore

extension OpenAIWire {
  /// One entry of `tools`: `{"type": "function", "function": {name, description, parameters}}`.
  public struct Tool: Codable, Sendable {
    public var type: String
    public var function: Function

    public struct Function: Codable, Sendable {
      public var name: String
      public var description: String?
      public var parameters: JSONValue?
      /// OpenAI's strict mode; Twin's calls always follow the schema, so it changes nothing.
      public var strict: Bool?
    }

    public init(_ tool: ToolDefinition) {
      type = "function"
      function = Function(name: tool.name, description: tool.description, parameters: tool.parameters)
    }

    /// The port's definition; only `function` tools exist.
    public func definition(at index: Int) throws(LanguageModelError) -> ToolDefinition {
      guard type == "function" else { throw .invalidRequest("tools[\(index)].type must be function (got \(type))") }
      return ToolDefinition(
        name: function.name, description: function.description,
        parameters: function.parameters ?? ["type": "object", "properties": [:]])
    }
  }

  /// `tool_choice`: `"none"`, `"auto"`, `"required"`, or `{"type": "function", "function": {"name": …}}`.
  public struct ToolChoiceValue: Codable, Sendable {
    public var choice: ToolChoice

    public init(_ choice: ToolChoice) { self.choice = choice }

    struct Named: Codable {
      var type: String
      var function: Name
      struct Name: Codable { var name: String }
    }

    public init(from decoder: any Decoder) throws {
      let c = try decoder.singleValueContainer()
      if let word = try? c.decode(String.self) {
        switch word {
        case "none": choice = .none
        case "auto": choice = .auto
        case "required": choice = .required
        default:
          throw DecodingError.dataCorruptedError(
            in: c, debugDescription: "tool_choice must be none, auto, required or a function (got \(word))")
        }
        return
      }
      choice = .function(try c.decode(Named.self).function.name)
    }

    public func encode(to encoder: any Encoder) throws {
      var c = encoder.singleValueContainer()
      switch choice {
      case .none: try c.encode("none")
      case .auto: try c.encode("auto")
      case .required: try c.encode("required")
      case .function(let name): try c.encode(Named(type: "function", function: .init(name: name)))
      }
    }
  }

  /// A call in a message: `{"id", "type": "function", "function": {"name", "arguments"}}`.
  /// In a streamed delta `index` says which call a piece belongs to, and only the first piece
  /// of a call has its id and name.
  public struct ToolCallValue: Codable, Sendable {
    public var index: Int?
    public var id: String?
    public var type: String?
    public var function: Function

    public struct Function: Codable, Sendable {
      public var name: String?
      public var arguments: String?
    }

    public init(_ call: ToolCall, index: Int? = nil) {
      self.index = index
      id = call.id
      type = "function"
      function = Function(name: call.name, arguments: call.arguments)
    }

    /// The port's call, from a whole (not streamed) one.
    public func call(at path: String) throws(LanguageModelError) -> ToolCall {
      guard let name = function.name else { throw .invalidRequest("\(path).function.name is missing") }
      return ToolCall(id: id ?? "", name: name, arguments: function.arguments ?? "{}")
    }
  }
}
