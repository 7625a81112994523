/// A function the model may call (OpenAI's `tools[].function`).
public struct ToolDefinition: Sendable, Hashable, Codable {
  /// What the model writes to call it: letters, digits, `_` and `-`, at most 64.
  public var name: String
  public var description: String?
  /// A JSON Schema of the arguments object; calls are generated valid against it.
  public var parameters: JSONValue

  public init(name: String, description: String? = nil, parameters: JSONValue = ["type": "object", "properties": [:]]) {
    self.name = name
    self.description = description
    self.parameters = parameters
  }

  /// The definition as the OpenAI API writes it, which is also what chat templates render:
  /// `{"type": "function", "function": {"name", "description", "parameters"}}`.
  public var wireJSON: JSONValue {
    var function: [String: JSONValue] = ["name": .string(name), "parameters": parameters]
    if let description { function["description"] = .string(description) }
    return ["type": "function", "function": .object(function)]
  }
}

/// Whether and which tools the model must call (OpenAI's `tool_choice`).
public enum ToolChoice: Sendable, Hashable {
  /// Answer in text; the tools are not offered.
  case none
  /// The model decides between an answer and calls.
  case auto
  /// At least one call, of any tool.
  case required
  /// Exactly this tool.
  case function(String)
}

/// One call the model made: the tool's name and its arguments as JSON text.
public struct ToolCall: Sendable, Hashable, Codable {
  /// Ties the call to the `tool` message that answers it.
  public var id: String
  public var name: String
  /// A JSON object, as text (OpenAI sends and expects a string).
  public var arguments: String

  public init(id: String, name: String, arguments: String) {
    self.id = id
    self.name = name
    self.arguments = arguments
  }
}

extension CompletionRequest {
  /// Checks the tools: valid, unique names; a named choice among them; no JSON response
  /// format alongside them (a reply is then either text or calls).
  public func validateTools() throws(LanguageModelError) {
    var seen = Set<String>()
    for (i, tool) in tools.enumerated() {
      guard !tool.name.isEmpty, tool.name.utf8.count <= 64,
        tool.name.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") })
      else {
        throw .invalidRequest("tools[\(i)].function.name must be 1-64 letters, digits, _ or - (got '\(tool.name)')")
      }
      guard seen.insert(tool.name).inserted else { throw .invalidRequest("tools[\(i)]: the name '\(tool.name)' is used twice") }
      guard case .object = tool.parameters else {
        throw .invalidRequest("tools[\(i)].function.parameters must be a JSON Schema object")
      }
    }
    switch toolChoice {
    case .required where tools.isEmpty: throw .invalidRequest("tool_choice required needs tools")
    case .function(let name) where !seen.contains(name):
      throw .invalidRequest("tool_choice names '\(name)', which is not among the tools")
    default: break
    }
    if !tools.isEmpty, toolChoice != .none, responseFormat != .text {
      throw .invalidRequest("response_format cannot be combined with tools: a reply is either text or tool calls")
    }
  }
}
