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
///
/// Steps pass small manifests; the raw and cleaned documents, the chunks and the vectors move
/// through the blob store, named by hash in the manifests, so caching still keys on content.
public enum FeaturePipeline {
  public static let name = "feature_engineering"
  /// Which documents to process and delete; the raw documents in the blob store.
  public static let plan = ArtifactKey<FeaturePlan>(step: "query_data_warehouse")
  /// The cleaned documents, in the blob store.
  public static let cleaned = ArtifactKey<CleanedBatch>(step: "clean_documents")
  /// Their chunks and vectors, in the blob store.
  public static let embedded = ArtifactKey<EmbeddedBatch>(step: "chunk_and_embed")
  /// What the load wrote into the feature store.
  public static let loadReport = ArtifactKey<FeatureLoadReport>(step: "load_to_vector_store")

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
        Step(plan, codeVersion: "2", parameters: parameters, cache: .disabled, outputName: "feature_plan") { context in
          context.progress.update(task: "query", completed: 0, total: 1, detail: "comparing warehouse and feature store")
          let plan = try await FeaturePlan.make(
            warehouse: warehouse, store: store, blobs: context.blobs, authors: authors, featureVersion: featureVersion,
            full: full, allowMassDelete: allowMassDelete)
          return (plan, planMetadata(plan))
        },
        Step(
          cleaned, codeVersion: "\(DocumentCleaner.version).2", dependsOn: [plan.step], outputName: "cleaned_documents"
        ) { context in
          let plan = try context.input(Self.plan)
          let raw = try context.blobs.get(plan.raw)
          let documents = zip(raw, plan.documents).map { DocumentCleaner.clean($0, sourceHash: $1.sourceHash) }
          let batch = CleanedBatch(documents: try context.blobs.put(json: documents), count: documents.count)
          return (batch, ["documents": tally(documents.map { ($0.category, $0.authorFullName) })])
        },
        Step(
          embedded, codeVersion: "\(DocumentChunker.version).2", dependsOn: [cleaned.step],
          parameters: .object([
            "chunking": chunkingJSON(settings), "embedding_model": .string(embedder.modelID),
            "dimension": .int(embedder.dimension),
          ]),
          outputName: "embedded_chunks"
        ) { context in
          let batch = try context.input(Self.cleaned)
          let documents = try context.blobs.get(batch.documents)
          let (chunks, vectors) = try await chunkAndEmbed(
            documents, chunker: chunker, embedder: embedder, batchSize: settings.embedBatchSize,
            progress: context.progress)
          var perCategory: [String: Int] = [:]
          for (document, chunks) in zip(documents, chunks) {
            perCategory[document.category.rawValue, default: 0] += chunks.count
          }
          let output = EmbeddedBatch(
            cleaned: batch.documents, chunks: try context.blobs.put(json: chunks),
            vectors: try context.blobs.put(vectors: vectors), dimension: embedder.dimension, chunkCount: vectors.count)
          let largest = chunks.joined().map(\.tokenCount).max() ?? 0
          return (
            output,
            [
              "chunks": try JSONValue.from(perCategory), "chunking": chunkingJSON(settings),
              "embedding_model": .string(embedder.modelID), "largest_chunk_tokens": .int(largest),
              "model_window_tokens": .int(embedder.maxContentTokens),
            ]
          )
        },
        Step(
          loadReport, codeVersion: "1", dependsOn: [plan.step, cleaned.step, embedded.step], cache: .disabled,
          outputName: "feature_load_report"
        ) { context in
          let (plan, batch, output) = (try context.input(Self.plan), try context.input(Self.cleaned), try context.input(Self.embedded))
          guard output.cleaned == batch.documents else {
            throw TwinError.invalidInput(
              "the embedded chunks were made from other cleaned documents than this run's; re-run with --no-cache")
          }
          let documents = try context.blobs.get(batch.documents)
          let chunks = try context.blobs.get(output.chunks)
          let vectors = try context.blobs.get(output.vectors, dimension: output.dimension)
          guard chunks.count == documents.count, chunks.joined().count == vectors.count else {
            throw TwinError.storage("the embedded chunks' blobs do not match their manifest; re-run with --no-cache")
          }
          var next = 0
          let perDocument = zip(documents, chunks).map { document, chunks in
            defer { next += chunks.count }
            return EmbeddedDocument(documentID: document.id, chunks: chunks, vectors: Array(vectors[next..<(next + chunks.count)]))
          }
          let loader = FeatureLoader(store: store, settings: settings, dimension: embedder.dimension, modelID: embedder.modelID)
          let report = try await loader.load(plan: plan, cleaned: documents, embedded: perDocument, progress: context.progress)
          return (report, try report.metadata())
        },
      ])
  }

  /// Each document's chunks, and one vector per chunk in the same order.
  static func chunkAndEmbed(
    _ documents: [CleanedDocument], chunker: DocumentChunker, embedder: any TextEmbedder, batchSize: Int,
    progress: any ProgressReporter
  ) async throws -> (chunks: [[Chunk]], vectors: [[Float]]) {
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
    return (chunked, vectors)
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
      "to_process": tally(plan.documents.map { ($0.category, $0.authorFullName) }),
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
