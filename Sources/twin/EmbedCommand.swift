import ArgumentParser
import Foundation
import TwinEmbeddings
import TwinModelStore

/// `twin embed`: sentence embeddings from the command line.
struct EmbedCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "embed",
    abstract: "Embed texts with the native sentence-embedding model (all-MiniLM-L6-v2 by default).",
    discussion: """
      Prints each text's unit-length vector (384 numbers for MiniLM): the first values as text, \
      or all of them with --json. The model is a name from `twin models list` (pull it first \
      with `twin models pull minilm`) or a path to a sentence-transformers model directory.
      """)

  @Argument(help: "The texts to embed (use - to read one text per line from standard input).")
  var texts: [String]

  @Option(name: .long, help: "A model name or a model directory.")
  var model = "minilm"

  @OptionGroup var global: GlobalOptions

  func run() async throws {
    var inputs = texts
    if inputs == ["-"] {
      inputs = []
      while let line = readLine() { inputs.append(line) }
    }
    guard !inputs.isEmpty else { throw ValidationError("give at least one text") }
    let embedder = try await AppContext.open(global: global, workspace: .none).embedder(model)
    let vectors = try await embedder.embed(inputs)
    if global.json {
      return try Output.json(
        vectors.enumerated().map { i, v in
          Embedding(text: inputs[i], tokens: embedder.tokenize(inputs[i]).count, embedding: v)
        })
    }
    for (text, vector) in zip(inputs, vectors) {
      let head = vector.prefix(5).map { String(format: "%.6f", $0) }.joined(separator: ", ")
      print("\(text.prefix(60).debugDescription) → [\(head), …] (\(vector.count) dims, \(embedder.modelID))")
    }
  }

  struct Embedding: Encodable {
    var text: String
    var tokens: Int
    var embedding: [Float]
  }
}
