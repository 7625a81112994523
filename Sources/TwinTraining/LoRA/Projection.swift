import TwinLLM

/// The linear projections of a decoder layer that can carry a LoRA adapter.
///
/// The raw values are the module names transformers and peft use, which is what
/// `target_modules` lists in an `adapter_config.json`.
public enum Projection: String, CaseIterable, Codable, Sendable, Hashable {
  case query = "q_proj"
  case key = "k_proj"
  case value = "v_proj"
  case output = "o_proj"
  case gate = "gate_proj"
  case up = "up_proj"
  case down = "down_proj"

  /// The module path inside a layer, as transformers names it (`self_attn.q_proj`, `mlp.up_proj`).
  public var modulePath: String {
    switch self {
    case .query, .key, .value, .output: "self_attn.\(rawValue)"
    case .gate, .up, .down: "mlp.\(rawValue)"
    }
  }

  /// The tensor-name infix llama.cpp's GGUF files use (`attn_q`, `ffn_up`).
  public var ggufName: String {
    switch self {
    case .query: "attn_q"
    case .key: "attn_k"
    case .value: "attn_v"
    case .output: "attn_output"
    case .gate: "ffn_gate"
    case .up: "ffn_up"
    case .down: "ffn_down"
    }
  }

  /// `(out, in)` of the projection's weight for a model of `shape`.
  public func dimensions(_ shape: Hyperparameters) -> (out: Int, in: Int) {
    switch self {
    case .query: (shape.heads * shape.headDimension, shape.embedding)
    case .key, .value: (shape.kvHeads * shape.headDimension, shape.embedding)
    case .output: (shape.embedding, shape.heads * shape.headDimension)
    case .gate, .up: (shape.feedForward, shape.embedding)
    case .down: (shape.embedding, shape.feedForward)
    }
  }
}
