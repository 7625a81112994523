import Foundation
import Testing
import TwinTestSupport
import TwinGGUF

/// The real model files of the model cache: Gemma 3 270M (Q4_K_M: Q8_0, Q5_0, Q4_K, Q6_K and F32
/// tensors) and SmolLM2 135M Instruct (Q4_1, Q8_0, F32). They are not in the repository: CI
/// pulls them (`twin models pull gemma3-270m smollm2-135m-instruct`), and a missing one fails.
@Suite struct RealGGUFFileTests {
  static func gemma() throws -> GGUFFile {
    try GGUFFile(url: PulledModels.file("gemma3-270m", "gemma-3-270m-q4_k_m.gguf"))
  }

  static func smollm() throws -> GGUFFile {
    try GGUFFile(url: PulledModels.file("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf"))
  }

  /// Number of tensors of each type.
  func typeCounts(_ file: GGUFFile) -> [GGMLType: Int] {
    file.tensors.reduce(into: [:]) { $0[$1.type, default: 0] += 1 }
  }

  @Test func gemmaHeaderAndTensors() throws {
    let file = try Self.gemma()
    #expect(file.version == 3)
    #expect(try file.architecture == "gemma3")
    #expect(file.tensors.count == 236)
    #expect(typeCounts(file) == [.f32: 109, .q5_0: 81, .q4_K: 27, .q8_0: 10, .q6_K: 9])
    #expect(try file.int("gemma3.embedding_length") == 640)
    #expect(try file.int("gemma3.block_count") == 18)
    #expect(try file.int("gemma3.feed_forward_length") == 2048)
    #expect(try file.int("gemma3.attention.head_count") == 4)
    #expect(try file.int("gemma3.attention.head_count_kv") == 1)
    #expect(try file.int("gemma3.context_length") == 32768)
    #expect(try file.float("gemma3.attention.layer_norm_rms_epsilon") == 1e-6)
    #expect(try file.float("gemma3.rope.freq_base") == 1_000_000)
    #expect(try file.string("general.name") == "Gemma 3 270m")
    #expect(
      try file.stringArray("general.tags") == ["gemma3", "gemma", "google", "text-generation"])

    let expected: [(String, [Int], GGMLType)] = [
      ("token_embd.weight", [640, 262_144], .q8_0),
      ("output_norm.weight", [640], .f32),
      ("blk.0.attn_q.weight", [640, 1024], .q5_0),
      ("blk.0.attn_k.weight", [640, 256], .q5_0),
      ("blk.0.attn_v.weight", [640, 256], .q8_0),
      ("blk.0.attn_output.weight", [1024, 640], .q4_K),
      ("blk.0.ffn_gate.weight", [640, 2048], .q5_0),
      ("blk.0.ffn_down.weight", [2048, 640], .q6_K),
      ("blk.17.ffn_up.weight", [640, 2048], .q5_0),
    ]
    for (name, dimensions, type) in expected {
      let info = try file.tensor(named: name)
      #expect(
        info.dimensions == dimensions && info.type == type,
        "\(name): \(info.dimensions) \(info.type)")
    }
    let embedding = try file.matrix(named: "token_embd.weight")
    #expect(embedding.rows == 262_144 && embedding.columns == 640)
  }

  @Test func smollmHeaderAndTensors() throws {
    let file = try Self.smollm()
    #expect(try file.architecture == "llama")
    #expect(file.tensors.count == 272)
    #expect(typeCounts(file) == [.q4_1: 210, .f32: 61, .q8_0: 1])
    #expect(try file.int("llama.embedding_length") == 576)
    #expect(try file.int("llama.block_count") == 30)
    #expect(try file.int("llama.attention.head_count") == 9)
    #expect(try file.int("llama.attention.head_count_kv") == 3)
    #expect(try file.int("llama.vocab_size") == 49152)
    #expect(try file.float("llama.rope.freq_base") == 100_000)
    #expect(try file.string("tokenizer.chat_template").hasPrefix("{% for message in messages %}"))
    let expected: [(String, [Int], GGMLType)] = [
      ("token_embd.weight", [576, 49152], .q8_0),
      ("blk.0.attn_norm.weight", [576], .f32),
      ("blk.0.ffn_down.weight", [1536, 576], .q4_1),
      ("blk.0.ffn_up.weight", [576, 1536], .q4_1),
      ("blk.29.attn_k.weight", [576, 192], .q4_1),
    ]
    for (name, dimensions, type) in expected {
      let info = try file.tensor(named: name)
      #expect(
        info.dimensions == dimensions && info.type == type,
        "\(name): \(info.dimensions) \(info.type)")
    }
  }

  @Test func everyTensorLiesInsideItsFile() throws {
    for file in [try Self.gemma(), try Self.smollm()] {
      var ranges: [Range<Int>] = []
      for info in file.tensors {
        let bytes = file.bytes(of: info)
        let start = file.dataOffset + info.offset
        #expect(bytes.count == info.byteCount && start + bytes.count <= file.fileSize)
        ranges.append(start..<(start + info.byteCount))
      }
      ranges.sort { $0.lowerBound < $1.lowerBound }
      #expect(zip(ranges, ranges.dropFirst()).allSatisfy { $0.upperBound <= $1.lowerBound })
      #expect(file.tensors.allSatisfy { $0.type.isSupported })
    }
  }

  @Test func tokenizerMetadata() throws {
    let gemma = try Self.gemma()
    #expect(try gemma.string("tokenizer.ggml.model") == "llama")
    #expect(try gemma.stringArray("tokenizer.ggml.tokens").count == 262_144)
    #expect(try gemma.floatArray("tokenizer.ggml.scores").count == 262_144)
    #expect(try gemma.intArray("tokenizer.ggml.token_type").count == 262_144)
    #expect(try gemma.int("tokenizer.ggml.bos_token_id") == 2)
    #expect(try gemma.int("tokenizer.ggml.eos_token_id") == 1)
    #expect(try gemma.bool("tokenizer.ggml.add_bos_token"))
    let tokens = try gemma.stringArray("tokenizer.ggml.tokens")
    #expect(tokens[2] == "<bos>" && tokens[1] == "<eos>")

    let smollm = try Self.smollm()
    #expect(try smollm.string("tokenizer.ggml.model") == "gpt2")
    #expect(try smollm.stringArray("tokenizer.ggml.tokens").count == 49152)
    #expect(try smollm.stringArray("tokenizer.ggml.merges").count == 48900)
    #expect(try smollm.intArray("tokenizer.ggml.token_type").count == 49152)
    #expect(try smollm.stringArray("tokenizer.ggml.merges").first?.contains(" ") == true)
    #expect {
      try smollm.floatArray("tokenizer.ggml.scores")
    } throws: { "\($0)".contains("no metadata key 'tokenizer.ggml.scores'") }
  }

  /// Rows dequantised by the `gguf` package (`make_fixtures.py`) match bit for bit.
  @Test func rowsMatchTheGGUFPackage() throws {
    for (model, entry) in Fixtures.reference.real.sorted(by: { $0.key < $1.key }) {
      let file = try GGUFFile(url: PulledModels.file(model, entry.file))
      for row in entry.rows {
        let expected = try Fixtures.floats(row.values)
        let matrix = try file.matrix(named: row.tensor)
        #expect(matrix.type.description == row.type)
        let actual = try file.floats(row.tensor, row: row.row)
        #expect(actual.count == matrix.columns)
        #expect(
          actual.map(\.bitPattern) == expected.map(\.bitPattern),
          "\(model) \(row.tensor) row \(row.row)")
      }
    }
  }

  /// Each weight type's fused product on real weights, against the exact product of the
  /// dequantised rows with the unquantised input (within the 8-bit input rounding error).
  @Test func realMatrixProducts() throws {
    let gemma = try Self.gemma()
    let smollm = try Self.smollm()
    let cases: [(GGUFFile, String)] = [
      (gemma, "blk.0.attn_q.weight"), (gemma, "blk.0.attn_v.weight"),
      (gemma, "blk.0.attn_output.weight"), (gemma, "blk.0.ffn_down.weight"),
      (smollm, "blk.0.ffn_up.weight"), (gemma, "output_norm.weight"),
    ]
    for (file, name) in cases {
      let matrix = try file.matrix(named: name)
      let x = randomFloats(matrix.columns, in: -2...2, seed: 9)
      let y = matrix.matvec(x)
      let q = matrix.activationFormat.map { Q8Activations(x, format: $0) }
      for row in 0..<matrix.rows {
        let w = matrix.dequantizeRow(row)
        var exact = 0.0
        var magnitude = 0.0
        var bound = 0.0
        for i in 0..<matrix.columns {
          exact += Double(w[i]) * Double(x[i])
          magnitude += abs(Double(w[i]) * Double(x[i]))
          if let q, let format = matrix.activationFormat {
            bound += abs(Double(w[i])) * Double(q.scale(vector: 0, block: i / format.blockSize)) / 2
          }
        }
        let tolerance = bound * 1.01 + 1e-5 * magnitude
        #expect(
          abs(Double(y[row]) - exact) <= tolerance, "\(name) row \(row): \(y[row]) vs \(exact)")
      }
    }
  }

  @Test func truncatedCopyNamesTheFirstLostTensor() throws {
    let source = try PulledModels.file("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf")
    let handle = try FileHandle(forReadingFrom: source)
    defer { try? handle.close() }
    let head = try handle.read(upToCount: 10 << 20) ?? Data()
    let copy = try temporaryDirectory().appendingPathComponent("truncated.gguf")
    try head.write(to: copy)
    let (error, message) = openFailure(copy)
    guard case .truncatedData(let file, let tensor, _, let size) = error else {
      Issue.record("expected truncated data, got \(message)")
      return
    }
    #expect(file == copy.path && tensor == "token_embd.weight" && size == 10 << 20)
    #expect(message.contains("file is truncated: tensor 'token_embd.weight'"))
  }

  @Test func corruptedMagicNamesTheFile() throws {
    let source = try PulledModels.file("gemma3-270m", "gemma-3-270m-q4_k_m.gguf")
    let handle = try FileHandle(forReadingFrom: source)
    defer { try? handle.close() }
    var head = try handle.read(upToCount: 1 << 16) ?? Data()
    head[0] = UInt8(ascii: "X")
    let copy = try temporaryDirectory().appendingPathComponent("corrupt.gguf")
    try head.write(to: copy)
    let (error, message) = openFailure(copy)
    #expect(error == .notGGUF(file: copy.path, magic: Array("XGUF".utf8)))
    #expect(message.hasPrefix("\(copy.path): not a GGUF file"))
  }
}
