import Foundation
import TwinCore

/// How a model expects a conversation to be written as text.
///
/// Models ship a Jinja template (`tokenizer.chat_template`). Rather than run arbitrary Jinja,
/// Twin recognises the template families in use and renders them natively; the rendering of
/// each family is checked against the model's own template in the tests.
public enum ChatTemplate: Sendable, Hashable {
  /// `<|im_start|>role\n…<|im_end|>\n` (SmolLM2, Qwen). `defaultSystem` is the system turn the
  /// template inserts when the conversation has none (SmolLM2's "You are a helpful AI
  /// assistant named SmolLM…").
  case chatML(defaultSystem: String?)
  /// `<start_of_turn>user\n…<end_of_turn>\n`, the assistant is `model`, and a system message is
  /// folded into the first user turn (Gemma).
  case gemma
  /// `<|start_header_id|>role<|end_header_id|>\n\n…<|eot_id|>` after `<|begin_of_text|>`
  /// (Llama 3).
  case llama3
  /// Base models without a template: turns joined as plain text, the prompt ends where the
  /// answer should start.
  case plain

  /// The family of a Jinja template, or ``plain`` when there is none.
  ///
  /// - Throws: ``ChatTemplateError/unrecognised(_:)`` for a template of no known family, so a
  ///   model is never prompted in a format it was not trained on.
  public static func detect(jinja: String?) throws -> ChatTemplate {
    guard let jinja, !jinja.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return .plain }
    if jinja.contains("<|im_start|>") {
      return .chatML(defaultSystem: defaultSystemPrompt(in: jinja))
    }
    if jinja.contains("<start_of_turn>") { return .gemma }
    if jinja.contains("<|start_header_id|>") { return .llama3 }
    throw ChatTemplateError.unrecognised(String(jinja.prefix(120)))
  }

  /// The text of `messages`, ending with the assistant's opening when `addGenerationPrompt`.
  public func render(_ messages: [ChatMessage], addGenerationPrompt: Bool = true) -> String {
    switch self {
    case .chatML(let defaultSystem):
      var out = ""
      if let defaultSystem, messages.first?.role != .system {
        out += "<|im_start|>system\n\(defaultSystem)<|im_end|>\n"
      }
      for m in messages { out += "<|im_start|>\(m.role.rawValue)\n\(m.content)<|im_end|>\n" }
      if addGenerationPrompt { out += "<|im_start|>assistant\n" }
      return out
    case .gemma:
      var out = "<bos>"
      var pendingSystem: String?
      for m in messages {
        switch m.role {
        case .system:
          pendingSystem = m.content
        case .user, .assistant, .tool:
          let role = m.role == .assistant ? "model" : "user"
          // Gemma's template puts the system text, untrimmed, before the first turn's
          // trimmed content.
          let prefix = pendingSystem.map { $0 + "\n\n" } ?? ""
          pendingSystem = nil
          out += "<start_of_turn>\(role)\n\(prefix)\(m.content.trimmingCharacters(in: .whitespacesAndNewlines))<end_of_turn>\n"
        }
      }
      if addGenerationPrompt { out += "<start_of_turn>model\n" }
      return out
    case .llama3:
      var out = "<|begin_of_text|>"
      for m in messages {
        out += "<|start_header_id|>\(m.role.rawValue)<|end_header_id|>\n\n"
          + m.content.trimmingCharacters(in: .whitespacesAndNewlines) + "<|eot_id|>"
      }
      if addGenerationPrompt { out += "<|start_header_id|>assistant<|end_header_id|>\n\n" }
      return out
    case .plain:
      // A base model continues text; roles have no markers it would recognise.
      return messages.map(\.content).joined(separator: "\n\n")
    }
  }

  /// The system text the template writes when a conversation has none (ChatML templates
  /// that insert one).
  public var defaultSystem: String? {
    if case .chatML(let text) = self { return text }
    return nil
  }

  /// Text that ends the assistant's turn, for templates whose end marker is not the model's EOS.
  public var stopStrings: [String] {
    switch self {
    case .chatML: ["<|im_end|>"]
    case .gemma: ["<end_of_turn>"]
    case .llama3: ["<|eot_id|>"]
    case .plain: []
    }
  }

  /// Whether the rendered text carries its own BOS (so the tokenizer must not add another).
  public var rendersBOS: Bool {
    switch self {
    case .gemma, .llama3: true
    case .chatML, .plain: false
    }
  }

  /// The literal system turn a ChatML template inserts when none is given: the first system
  /// turn written out whole in one string literal (SmolLM2's "You are a helpful AI assistant
  /// named SmolLM…", Qwen 2.5's "You are Qwen, created by Alibaba Cloud…"). A system header
  /// followed by template code (Qwen's tools branch) is not one.
  static func defaultSystemPrompt(in jinja: String) -> String? {
    var searchFrom = jinja.startIndex
    while let start = jinja.range(of: "<|im_start|>system", range: searchFrom..<jinja.endIndex) {
      searchFrom = start.upperBound
      var rest = jinja[start.upperBound...]
      if rest.hasPrefix("\\n") { rest = rest.dropFirst(2) } else if rest.hasPrefix("\n") { rest = rest.dropFirst() } else { continue }
      guard let end = rest.range(of: "<|im_end|>") else { return nil }
      let text = rest[..<end.lowerBound]
      if text.isEmpty || text.contains(where: { "'\"{}+".contains($0) }) { continue }
      return String(text)
    }
    return nil
  }
}

/// Why a chat template cannot be used.
public enum ChatTemplateError: Error, Sendable, Equatable, CustomStringConvertible {
  case unrecognised(String)

  public var description: String {
    switch self {
    case .unrecognised(let start):
      "the model's chat template is of no known family (ChatML, Gemma, Llama 3); it starts: \(start)"
    }
  }
}
