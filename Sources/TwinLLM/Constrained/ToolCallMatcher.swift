import TwinCore

/// An incremental recogniser of a reply that calls tools in the Hermes format Qwen 2.5 was
/// trained on (and Twin uses for every model, see ``ToolPrompt``):
///
///     <tool_call>
///     {"name": "get_weather", "arguments": {"city":"Paris"}}
///     </tool_call>
///
/// The name must be one of the offered tools and the arguments valid against that tool's
/// schema (a ``JSONMatcher`` checks them). Calls follow one another, a newline apart, when
/// parallel calls are allowed.
///
/// In `auto` mode the reply starts as free text, which may end the reply. It turns into calls
/// where the model starts one, in any of the forms llama.cpp's Hermes parser also reads (small
/// models drift between them): `<tool_call>` anywhere; a `` ```json `` block whose object
/// opens right away; or a reply that is one JSON object. From there on the call is
/// constrained; text may precede the first two forms.
struct ToolCallMatcher: ByteMatcher {
  /// The tools that may be called: name bytes and argument schema.
  let tools: [(name: [UInt8], schema: JSONSchema)]
  let parallel: Bool
  let limits: JSONLengthLimits

  /// How a call is wrapped, which decides how it closes and what may follow.
  enum Form: Sendable {
    /// `<tool_call>…</tool_call>`: more calls may follow.
    case tagged
    /// A `` ```json `` block: one call.
    case fenced
    /// The whole reply is the call's object.
    case bare

    var closing: [UInt8] {
      switch self {
      case .tagged: Array("}\n</tool_call>".utf8)
      case .fenced: Array("}\n```".utf8)
      case .bare: Array("}".utf8)
      }
    }
  }

  enum State: Sendable {
    /// Free text; `recent` holds its last bytes (to spot a call's start), `started` whether a
    /// byte other than whitespace has come.
    case free(recent: [UInt8], started: Bool)
    /// These bytes must come next, from `index`; then `next`.
    case literal([UInt8], index: Int, next: Next)
    /// The tool's name, typed so far.
    case name([UInt8], Form)
    /// The arguments object of the call.
    case arguments(JSONMatcher, Form)
    /// After a tagged call's closing tag: the reply may end, or another call start.
    case afterCall
    /// After a fenced or bare call: the reply must end.
    case done
  }

  enum Next: Sendable {
    case name(Form)
    case arguments(tool: Int, Form)
    case afterCall
    case done
  }

  static let tagged = Array("<tool_call>".utf8)
  static let fenced = Array("```json\n{".utf8)
  static let longestOpening = max(tagged.count, fenced.count)
  static let opening = Array("\n{\"name\": \"".utf8)
  static let nameKey = Array("\"name\": \"".utf8)
  static let beforeArguments = Array("\", \"arguments\": ".utf8)

  private(set) var state: State

  /// - Parameter free: Whether the reply may be text (`auto`); otherwise it must be calls.
  init(tools: [(name: String, schema: JSONSchema)], free: Bool, parallel: Bool, limits: JSONLengthLimits) {
    self.tools = tools.map { (Array($0.name.utf8), $0.schema) }
    self.parallel = parallel
    self.limits = limits
    state = free ? .free(recent: [], started: false) : .literal(Self.tagged + Self.opening, index: 0, next: .name(.tagged))
  }

  /// Free text, or a complete call.
  var isComplete: Bool {
    switch state {
    case .free, .afterCall, .done: true
    default: false
    }
  }

  /// Whether the reply is still free text (no token mask is needed then).
  var isFree: Bool {
    if case .free = state { return true }
    return false
  }

  var plainStringRoom: Int? {
    if case .arguments(let json, _) = state { return json.plainStringRoom }
    return nil
  }

  mutating func feed(_ byte: UInt8) -> Bool {
    switch state {
    case .free(var recent, let started):
      if !started, byte == UInt8(ascii: "{") {
        state = .literal(Self.nameKey, index: 0, next: .name(.bare))
        return true
      }
      let space = byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
      recent.append(byte)
      if recent.count > Self.longestOpening { recent.removeFirst(recent.count - Self.longestOpening) }
      if recent.ends(with: Self.tagged) {
        state = .literal(Self.opening, index: 0, next: .name(.tagged))
      } else if recent.ends(with: Self.fenced) {
        state = .literal(Self.nameKey, index: 0, next: .name(.fenced))
      } else {
        state = .free(recent: recent, started: started || !space)
      }
      return true
    case .literal(let bytes, let index, let next):
      guard bytes[index] == byte else { return false }
      if index + 1 < bytes.count {
        state = .literal(bytes, index: index + 1, next: next)
        return true
      }
      switch next {
      case .name(let form): state = .name([], form)
      case .arguments(let tool, let form): state = .arguments(JSONMatcher(schema: tools[tool].schema, limits: limits), form)
      case .afterCall: state = .afterCall
      case .done: state = .done
      }
      return true
    case .name(let typed, let form):
      if byte == UInt8(ascii: "\""), let tool = tools.firstIndex(where: { $0.name == typed }) {
        // The literal's opening quote is this byte.
        state = .literal(Self.beforeArguments, index: 1, next: .arguments(tool: tool, form))
        return true
      }
      let longer = typed + [byte]
      guard tools.contains(where: { $0.name.starts(with: longer) }) else { return false }
      state = .name(longer, form)
      return true
    case .arguments(var json, let form):
      let before = json
      if json.feed(byte) {
        state = .arguments(json, form)
        return true
      }
      // The object is closed: what follows is the call's end.
      let closing = form.closing
      guard before.isComplete, byte == closing[0] else { return false }
      let next: Next = form == .tagged ? .afterCall : .done
      state = closing.count == 1 ? .done : .literal(closing, index: 1, next: next)
      return true
    case .afterCall:
      guard parallel, byte == UInt8(ascii: "\n") else { return false }
      state = .literal(Self.tagged + Self.opening, index: 0, next: .name(.tagged))
      return true
    case .done:
      return false
    }
  }
}

extension Array where Element == UInt8 {
  fileprivate func ends(with suffix: [UInt8]) -> Bool {
    count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
  }
}

/// The tool-call format of a request: which calls it allows, and whether a text is one.
public enum ToolCallFormat {
  /// The tools a request lets the model call (all offered, or the one `tool_choice` names),
  /// with their argument schemas; empty when it offers none or `tool_choice` is `none`.
  ///
  /// - Throws: ``LanguageModelError/invalidRequest(_:)`` naming a tool whose parameters are
  ///   not a schema the engine can enforce.
  static func callable(_ request: CompletionRequest) throws(LanguageModelError) -> [(name: String, schema: JSONSchema)] {
    guard request.toolChoice != .none else { return [] }
    var tools: [(name: String, schema: JSONSchema)] = []
    for tool in request.tools {
      if case .function(let name) = request.toolChoice, name != tool.name { continue }
      do { tools.append((tool.name, try JSONSchema(json: tool.parameters.canonicalJSON))) } catch {
        throw .invalidRequest("tools: '\(tool.name)' parameters: \(error)")
      }
    }
    return tools
  }

  /// Whether `text` is a whole reply to `request`, the start of one, or neither, exactly as
  /// constrained generation judges it.
  public static func match(
    _ text: String, request: CompletionRequest, limits: JSONLengthLimits = JSONLengthLimits()
  ) throws(LanguageModelError) -> JSONPrefixMatch {
    var matcher = ToolCallMatcher(
      tools: try callable(request), free: request.toolChoice == .auto, parallel: request.parallelToolCalls,
      limits: limits)
    for byte in text.utf8 where !matcher.feed(byte) { return .invalid }
    return matcher.isComplete ? .complete : .prefix
  }
}
