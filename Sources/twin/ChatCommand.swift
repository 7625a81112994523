import ArgumentParser
import Foundation
import TwinCore
import TwinLLM

/// `twin chat`: an interactive terminal conversation with a native GGUF model.
struct ChatCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "chat",
    abstract: "Chat with a native GGUF language model in the terminal.",
    discussion: """
      Each line you type is a user turn; the model's answer streams back through its chat \
      template, with the whole conversation as context. Earlier turns are not computed again: \
      their keys and values are kept (prompt-prefix caching), so a long conversation answers as \
      quickly as a short one starts. Type /reset to start over and /exit (or Ctrl-D) to leave. \
      Ctrl-C stops the current answer.
      """)

  @Option(name: .long, help: "A model name from `twin models list`, or a .gguf path.")
  var model = "smollm2-135m-instruct"

  @OptionGroup var sampling: SamplingOptions

  @Option(name: .long, help: "The most tokens per answer.")
  var maxTokens = 512

  @Option(name: .long, help: "A system message for the conversation.")
  var system: String?

  @OptionGroup var global: GlobalOptions

  func validate() throws {
    try CompletionLimits.check(maxTokens, in: CompletionLimits.maxTokens, option: "--max-tokens")
  }

  func run() async throws {
    let app = try await AppContext.open(global: global, workspace: .none)
    let llm = try await app.languageModelContext(model)
    let batcher = app.conversationBatcher(llm)
    let parameters = try sampling.parameters()
    var messages: [ChatMessage] = system.map { [ChatMessage(role: .system, content: $0)] } ?? []
    Stderr.write("\(llm.name): type a message, /reset to start over, /exit to leave.\n")
    while true {
      Stderr.write("> ")
      guard let line = readLine() else { break }
      let text = line.trimmingCharacters(in: .whitespaces)
      if text.isEmpty { continue }
      if text == "/exit" || text == "/quit" { break }
      if text == "/reset" {
        messages = system.map { [ChatMessage(role: .system, content: $0)] } ?? []
        Stderr.write("(conversation cleared)\n")
        continue
      }
      messages.append(ChatMessage(role: .user, content: text))
      let request = GenerationRequest(
        prompt: llm.tokenizer.encode(llm.template.render(messages), parseSpecial: true), maxTokens: maxTokens,
        sampling: parameters)
      do {
        let answer = try await Interruption.run {
          try await batcher.generate(
            request,
            onToken: { token in
              FileHandle.standardOutput.write(Data(token.text.utf8))
              return true
            })
        }
        // Not `print`: it buffers, and the answer's pieces went straight to the descriptor.
        FileHandle.standardOutput.write(Data("\n".utf8))
        messages.append(ChatMessage(role: .assistant, content: answer.text))
      } catch GenerationError.contextFull(let capacity) {
        Stderr.write("the conversation no longer fits the \(capacity)-token context; /reset to start over\n")
        messages.removeLast()
      }
    }
  }
}
