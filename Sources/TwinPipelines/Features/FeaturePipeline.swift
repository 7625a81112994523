import Foundation
import TwinCore
import TwinFeatures
import TwinOrchestrator

/// The feature pipeline: query the warehouse → clean → chunk and embed → load into the
/// feature store.
///
/// Incremental: only documents whose source hash changed are processed; chunks of changed and
/// deleted documents are removed. Each document's cleaned text, new chunks and removals are
/// written in one transaction, so an interrupted run leaves every document either fully old or
/// fully new, and the next run finishes the job.
public enum FeaturePipeline {
  public static let name = "feature_engineering"

  /// - Parameters:
  ///   - authors: Limit to these authors (nil: all documents).
  ///   - full: Drop the collections and rebuild everything.
  ///   - allowMassDelete: Let an incremental run delete most of the stored documents' features
  ///     (refused otherwise: see ``FeaturePlan``).
  public static func pipeline(
    warehouse: any DataWarehouse, store: any VectorStore, embedder: any TextEmbedder, authors: [User]?,
    settings: FeatureSettings, full: Bool, allowMassDelete: Bool = false
  ) throws -> Pipeline {
    for category in DocumentCategory.allCases {
      try settings.chunking[category]?.validate(category: category, modelWindow: embedder.maxContentTokens)
    }
    let featureVersion = settings.version(modelID: embedder.modelID)
    let chunker = DocumentChunker(settings: settings.chunking, tokenCount: { embedder.tokenCount($0) })
    let parameters = JSONValue.object([
      "authors": authors.map { .array($0.map { .string($0.fullName) }) } ?? .null,
      "full": .bool(full),
      "feature_version": .string(featureVersion),
    ])
    return try Pipeline(
      name: name, parameters: parameters,
      steps: [
        Step(
          name: "query_data_warehouse", codeVersion: "1", parameters: parameters, cache: .disabled,
          outputName: "feature_plan"
        ) { context in
          context.progress.update(task: "query", completed: 0, total: 1, detail: "comparing warehouse and feature store")
          let plan = try await FeaturePlan.make(
            warehouse: warehouse, store: store, authors: authors, featureVersion: featureVersion, full: full,
            allowMassDelete: allowMassDelete)
          return try StepOutput(plan, metadata: planMetadata(plan))
        },
        Step(
          name: "clean_documents", codeVersion: DocumentCleaner.version, dependsOn: ["query_data_warehouse"],
          outputName: "cleaned_documents"
        ) { context in
          let plan = try context.input("query_data_warehouse", as: FeaturePlan.self)
          let cleaned = plan.documents.map { DocumentCleaner.clean($0.document, sourceHash: $0.sourceHash) }
          return try StepOutput(cleaned, metadata: ["documents": tally(cleaned.map { ($0.category, $0.authorFullName) })])
        },
        Step(
          name: "chunk_and_embed", codeVersion: DocumentChunker.version, dependsOn: ["clean_documents"],
          parameters: .object([
            "chunking": chunkingJSON(settings), "embedding_model": .string(embedder.modelID),
            "dimension": .int(embedder.dimension),
          ]),
          outputName: "embedded_chunks"
        ) { context in
          let cleaned = try context.input("clean_documents", as: [CleanedDocument].self)
          let embedded = try await chunkAndEmbed(
            cleaned, chunker: chunker, embedder: embedder, batchSize: settings.embedBatchSize,
            progress: context.progress)
          var perCategory: [String: Int] = [:]
          var maxTokens = 0
          for (document, output) in zip(cleaned, embedded) {
            perCategory[document.category.rawValue, default: 0] += output.chunks.count
            maxTokens = max(maxTokens, output.chunks.map(\.tokenCount).max() ?? 0)
          }
          return try StepOutput(
            embedded,
            metadata: [
              "chunks": try JSONValue.from(perCategory), "chunking": chunkingJSON(settings),
              "embedding_model": .string(embedder.modelID), "largest_chunk_tokens": .int(maxTokens),
              "model_window_tokens": .int(embedder.maxContentTokens),
            ])
        },
        Step(
          name: "load_to_vector_store", codeVersion: "1",
          dependsOn: ["query_data_warehouse", "clean_documents", "chunk_and_embed"], cache: .disabled,
          outputName: "feature_load_report"
        ) { context in
          let plan = try context.input("query_data_warehouse", as: FeaturePlan.self)
          let cleaned = try context.input("clean_documents", as: [CleanedDocument].self)
          let embedded = try context.input("chunk_and_embed", as: [EmbeddedDocument].self)
          let loader = FeatureLoader(store: store, settings: settings, dimension: embedder.dimension, modelID: embedder.modelID)
          let report = try await loader.load(plan: plan, cleaned: cleaned, embedded: embedded, progress: context.progress)
          return try StepOutput(report, metadata: try report.metadata())
        },
      ])
  }

  static func chunkAndEmbed(
    _ documents: [CleanedDocument], chunker: DocumentChunker, embedder: any TextEmbedder, batchSize: Int,
    progress: any ProgressReporter
  ) async throws -> [EmbeddedDocument] {
    let chunked = documents.map(chunker.chunk)
    let texts = chunked.flatMap { $0.map(\.text) }
    var vectors: [[Float]] = []
    vectors.reserveCapacity(texts.count)
    var start = 0
    while start < texts.count {
      try Task.checkCancellation()
      let end = min(start + batchSize, texts.count)
      progress.update(task: "embed", completed: start, total: texts.count, detail: "\(texts.count) chunks")
      vectors += try await embedder.embed(Array(texts[start..<end]))
      start = end
    }
    progress.update(task: "embed", completed: texts.count, total: texts.count, detail: "\(texts.count) chunks")
    var next = 0
    return zip(documents, chunked).map { document, chunks in
      defer { next += chunks.count }
      return EmbeddedDocument(
        documentID: document.id, chunks: chunks, vectors: vectors[next..<(next + chunks.count)].map(EncodedVector.init))
    }
  }

  static func chunkingJSON(_ settings: FeatureSettings) -> JSONValue {
    .object(
      Dictionary(
        uniqueKeysWithValues: DocumentCategory.allCases.map { c in
          let s = settings.chunking[c] ?? .defaults(for: c)
          return (c.rawValue, JSONValue.object(["max_tokens": .int(s.maxTokens), "overlap_tokens": .int(s.overlapTokens)]))
        }))
  }

  static func planMetadata(_ plan: FeaturePlan) -> [String: JSONValue] {
    [
      "to_process": tally(plan.documents.map { ($0.document.category, $0.document.authorFullName) }),
      "new": .int(plan.documents.filter { !$0.isUpdate }.count),
      "changed": .int(plan.documents.filter(\.isUpdate).count),
      "unchanged": .int(plan.unchanged),
      "deleted": .int(plan.deleted.count),
      "full": .bool(plan.full),
    ]
  }

  /// Counts per category and author: `{"articles": {"Ada Lovecraft": 3}}`.
  static func tally(_ items: [(DocumentCategory, String)]) -> JSONValue {
    var counts: [String: [String: JSONValue]] = [:]
    for (category, author) in items {
      let current = counts[category.rawValue]?[author].flatMap { if case .int(let n) = $0 { n } else { nil } } ?? 0
      counts[category.rawValue, default: [:]][author] = .int(current + 1)
    }
    return .object(counts.mapValues(JSONValue.object))
  }
}
