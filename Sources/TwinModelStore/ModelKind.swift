/// What a model on disk is, which decides how it is loaded.
public enum ModelKind: String, Sendable, Hashable, Codable, CustomStringConvertible {
  /// A Hugging Face model directory: `config.json`, safetensors weights, tokenizer files.
  case huggingFaceDirectory = "huggingface"
  /// One GGUF file (llama.cpp's format: weights, tokenizer and settings together).
  case gguf
  /// One bare safetensors file.
  case safetensors

  public var description: String { rawValue }
}
