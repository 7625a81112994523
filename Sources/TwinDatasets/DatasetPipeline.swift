import Foundation
import TwinCore
import TwinFeatureStore
import TwinOrchestrator

/// The dataset pipeline (the Handbook's `generate_datasets`): query the feature store → cut
/// extracts and build prompts → generate → post-process → split → save a dataset version.
///
/// Steps pass small manifests; documents, extracts and samples move through the blob store, so
/// a re-run over the same documents with the same model and settings is a cache hit up to the
/// save, which finds the same samples already stored and writes nothing.
public enum DatasetPipeline {
  public static let name = "generate_datasets"
  public static let documents = ArtifactKey<DocumentSet>(step: "query_feature_store")
  public static let extracts = ArtifactKey<ExtractSet>(step: "create_prompts")
  public static let generated = ArtifactKey<GenerationBatch>(step: "generate")
  public static let processed = ArtifactKey<ProcessedBatch>(step: "post_process")
  public static let split = ArtifactKey<SplitBatch>(step: "split")
  public static let saved = ArtifactKey<SavedDataset>(step: "save_dataset")

  /// What to build.
  public struct Request: Sendable {
    public var kind: DatasetKind
    public var strategy: DatasetStrategy
    /// The dataset's name (default: the kind).
    public var name: String
    /// Only these authors' documents (nil: everyone's).
    public var authors: [User]?
    /// Only these categories (nil: all).
    public var categories: [DocumentCategory]?
    /// At most this many extracts, taken in turn from each document (nil: all).
    public var maxExtracts: Int?
    public var settings: DatasetSettings

    public init(
      kind: DatasetKind, strategy: DatasetStrategy = .backtranslate, name: String? = nil, authors: [User]? = nil,
      categories: [DocumentCategory]? = nil, maxExtracts: Int? = nil, settings: DatasetSettings = DatasetSettings()
    ) {
      self.kind = kind
      self.strategy = strategy
      self.name = name ?? kind.rawValue
      self.authors = authors
      self.categories = categories
      self.maxExtracts = maxExtracts
      self.settings = settings
    }
  }

  /// - Parameters:
  ///   - teacher: Writes the instructions (and with `generate`, the answers).
  ///   - base: Answers back-translated preference instructions (`rejected`); usually the model
  ///     that will be trained.
  /// - Throws: ``TwinError/invalidInput(_:)`` for an invalid name or settings.
  public static func pipeline(
    request: Request, store: any VectorStore, datasets: any DatasetStore, teacher: any LanguageModelClient,
    base: any LanguageModelClient, embedder: any TextEmbedder
  ) throws -> Pipeline {
    guard DatasetReference.isValidName(request.name) else {
      throw TwinError.invalidInput("'\(request.name)' is not a dataset name: use letters, digits, '-', '_' and '.'")
    }
    if let maxExtracts = request.maxExtracts, maxExtracts < 1 {
      throw TwinError.invalidInput("--max-extracts must be at least 1 (got \(maxExtracts))")
    }
    let settings = request.settings
    try settings.validate()
    let cutter = try settings.cutter()
    let generator = SampleGenerator(
      kind: request.kind, strategy: request.strategy, teacher: teacher, base: base, settings: settings.generation)
    let usesBase = request.kind == .preference && request.strategy == .backtranslate
    let parameters = JSONValue.object([
      "kind": .string(request.kind.rawValue), "strategy": .string(request.strategy.rawValue),
      "name": .string(request.name),
      "authors": request.authors.map { .array($0.map { .string($0.fullName) }) } ?? .null,
      "categories": request.categories.map { .array($0.map { .string($0.rawValue) }) } ?? .null,
      "teacher": .string(teacher.modelID), "base": usesBase ? .string(base.modelID) : .null,
    ])
    let extractParameters = JSONValue.object([
      "min_chars": .int(cutter.minCharacters), "max_chars": .int(cutter.maxCharacters),
      "floor_chars": .int(cutter.shortDocumentFloor), "max_extracts": request.maxExtracts.map(JSONValue.int) ?? .null,
    ])
    let generationParameters = try JSONValue.from(settings.generation).merging([
      "prompt": .string(generator.prompt.label), "rejected_prompt": usesBase ? .string(DatasetPrompt.rejectedAnswer.label) : .null,
      "teacher": .string(teacher.modelID), "base": usesBase ? .string(base.modelID) : .null,
      "kind": .string(request.kind.rawValue), "strategy": .string(request.strategy.rawValue),
    ])
    let postParameters = try JSONValue.from(settings.postProcessing).merging([
      "embedding_model": .string(embedder.modelID), "kind": .string(request.kind.rawValue),
    ])
    let splitParameters = try JSONValue.from(settings.split)
    return try Pipeline(
      name: name, parameters: parameters,
      steps: [
        Step(documents, codeVersion: "1", parameters: parameters, cache: .disabled, outputName: "dataset_documents") {
          context in
          context.progress.update(task: "query", completed: 0, total: 1, detail: "reading cleaned documents")
          let found = try await cleanedDocuments(store: store, authors: request.authors, categories: request.categories)
          guard !found.isEmpty else {
            let whose = request.authors.map { " of \($0.map(\.fullName).joined(separator: ", "))" } ?? ""
            throw TwinError.notFound(
              kind: .content, name: "cleaned documents\(whose) in the feature store",
              hint: "run `twin etl` and `twin features` first")
          }
          let set = DocumentSet(documents: try context.blobs.put(json: found), count: found.count)
          return (set, ["documents": .int(found.count), "per_category": tally(found.map(\.category))])
        },
        Step(
          extracts, codeVersion: "1", dependsOn: [documents.step], parameters: extractParameters,
          outputName: "dataset_extracts"
        ) { context in
          let set = try context.input(Self.documents)
          let all = try context.blobs.get(set.documents)
          var perDocument = all.map(cutter.extracts(of:))
          let documentsWithExtracts = perDocument.filter { !$0.isEmpty }.count
          let chosen = takeInTurn(&perDocument, limit: request.maxExtracts)
          guard !chosen.isEmpty else {
            throw TwinError.invalidInput(
              "no document is long enough for an extract (\(cutter.shortDocumentFloor) characters or more); lower datasets.extract_min_chars")
          }
          let output = ExtractSet(extracts: try context.blobs.put(json: chosen), count: chosen.count, documents: documentsWithExtracts)
          return (
            output,
            [
              "extracts": .int(chosen.count), "documents": .int(documentsWithExtracts),
              "per_category": tally(chosen.map(\.category)),
            ]
          )
        },
        Step(
          generated, codeVersion: "1", dependsOn: [extracts.step], parameters: generationParameters,
          outputName: "generated_samples"
        ) { context in
          let set = try context.input(Self.extracts)
          let extracts = try context.blobs.get(set.extracts)
          let started = Date()
          let outcome = try await generator.run(extracts, progress: context.progress)
          let seconds = Date().timeIntervalSince(started)
          guard !outcome.samples.isEmpty else {
            let reasons = Set(outcome.failures.map(\.reason)).sorted().prefix(3).joined(separator: "; ")
            throw TwinError.invalidInput(
              "\(teacher.modelID) gave no usable sample for \(extracts.count) extracts (\(reasons)); try a stronger model with --model")
          }
          for failure in outcome.failures.prefix(5) {
            context.progress.note("extract \(failure.extractID) failed after \(failure.attempts) attempts: \(failure.reason)")
          }
          let batch = GenerationBatch(
            samples: try context.blobs.put(json: outcome.samples), count: outcome.samples.count, failures: outcome.failures,
            promptTokens: outcome.promptTokens, completionTokens: outcome.completionTokens)
          return (
            batch,
            [
              "samples": .int(outcome.samples.count), "failed_prompts": .int(outcome.failures.count),
              "prompt_tokens": .int(outcome.promptTokens), "completion_tokens": .int(outcome.completionTokens),
              "seconds": .double(seconds), "samples_per_second": .double(Double(outcome.samples.count) / max(seconds, 1e-9)),
              "teacher": .string(teacher.modelID), "prompt": .string(generator.prompt.label),
            ]
          )
        },
        Step(
          processed, codeVersion: "1", dependsOn: [extracts.step, generated.step], parameters: postParameters,
          outputName: "processed_samples"
        ) { context in
          let (set, batch) = (try context.input(Self.extracts), try context.input(Self.generated))
          let extracts = Dictionary(try context.blobs.get(set.extracts).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
          let samples = try context.blobs.get(batch.samples)
          context.progress.update(task: "post-process", completed: 0, total: samples.count, detail: "filters and duplicates")
          let (kept, removed) = try await settings.postProcessing.process(
            samples, kind: request.kind, extracts: extracts, embed: { try await embedder.embed($0) })
          guard !kept.isEmpty else {
            throw TwinError.invalidInput(
              "post-processing dropped all \(samples.count) samples (\(describe(removed))); see datasets.* settings")
          }
          let output = ProcessedBatch(samples: try context.blobs.put(json: kept), count: kept.count, removed: removed)
          return (output, ["kept": .int(kept.count), "removed": try JSONValue.from(removed)])
        },
        Step(split, codeVersion: "1", dependsOn: [processed.step], parameters: splitParameters, outputName: "split_samples") {
          context in
          let batch = try context.input(Self.processed)
          let samples = settings.split.split(try context.blobs.get(batch.samples))
          let counts = DatasetVersion.counts(of: samples)
          return (SplitBatch(samples: try context.blobs.put(json: samples), counts: counts), ["counts": try JSONValue.from(counts)])
        },
        Step(
          saved, codeVersion: "1", dependsOn: [documents.step, extracts.step, generated.step, processed.step, split.step],
          cache: .disabled, outputName: "dataset_version"
        ) { context in
          let documentSet = try context.input(Self.documents)
          let (generatedBatch, processedBatch, splitBatch) = (
            try context.input(Self.generated), try context.input(Self.processed), try context.input(Self.split)
          )
          let samples = try context.blobs.get(splitBatch.samples)
          let lineage: JSONValue = .object([
            "documents": .object(["count": .int(documentSet.count), "blob": .string(documentSet.documents.sha256)]),
            "teacher": .string(teacher.modelID), "base": usesBase ? .string(base.modelID) : .null,
            "embedding_model": .string(embedder.modelID),
            "prompt": .string(generator.prompt.label),
            "strategy": .string(request.strategy.rawValue),
            "settings": try JSONValue.from(settings),
            "failed_prompts": .int(generatedBatch.failures.count), "removed": try JSONValue.from(processedBatch.removed),
          ])
          let (version, created) = try await datasets.save(
            NewDataset(name: request.name, kind: request.kind, samples: samples, runID: context.runID, lineage: lineage))
          let output = SavedDataset(
            name: version.name, version: version.version, kind: version.kind, created: created, counts: version.counts,
            failures: generatedBatch.failures.count, removed: processedBatch.removed)
          return (output, ["dataset": .string(version.label), "created": .bool(created)])
        },
      ])
  }

  /// The cleaned documents of the feature store, in a stable order.
  static func cleanedDocuments(
    store: any VectorStore, authors: [User]?, categories: [DocumentCategory]?
  ) async throws -> [CleanedDocument] {
    let existing = Set(try await store.collections().map(\.name))
    let filter = authors.map { CleanedDocumentPayload.authors($0.map(\.id)) }
    var documents: [CleanedDocument] = []
    for category in categories ?? DocumentCategory.allCases where existing.contains(FeatureCollections.cleaned(category)) {
      for point in try await store.points(in: FeatureCollections.cleaned(category), filter: filter, withVectors: false) {
        let payload = try CleanedDocumentPayload(point)
        documents.append(
          CleanedDocument(
            id: payload.documentID, category: payload.category, title: payload.title, content: payload.content,
            platform: payload.platform, authorID: payload.authorID, authorFullName: payload.authorFullName,
            link: payload.link, sourceHash: payload.sourceHash))
      }
    }
    return documents.sorted { ($0.category.rawValue, $0.link ?? "", $0.id.uuidString) < ($1.category.rawValue, $1.link ?? "", $1.id.uuidString) }
  }

  /// Extracts taken in turn from each document (the first of each, then the second, …) up
  /// to `limit`, so a small run still covers many documents.
  static func takeInTurn(_ perDocument: inout [[Extract]], limit: Int?) -> [Extract] {
    guard let limit else { return perDocument.flatMap { $0 } }
    var chosen: [Extract] = []
    var round = 0
    while chosen.count < limit, perDocument.contains(where: { $0.count > round }) {
      for extracts in perDocument where extracts.count > round && chosen.count < limit { chosen.append(extracts[round]) }
      round += 1
    }
    return chosen
  }

  static func tally(_ categories: [DocumentCategory]) -> JSONValue {
    var counts: [String: JSONValue] = [:]
    for category in categories {
      if case .int(let n)? = counts[category.rawValue] { counts[category.rawValue] = .int(n + 1) } else {
        counts[category.rawValue] = .int(1)
      }
    }
    return .object(counts)
  }

  /// `short_answer 3, ungrounded 1`.
  public static func describe(_ removed: [RemovalReason: Int]) -> String {
    removed.isEmpty
      ? "none" : RemovalReason.allCases.compactMap { r in removed[r].map { "\(r.rawValue) \($0)" } }.joined(separator: ", ")
  }
}

extension JSONValue {
  /// This object with `entries` added (replacing keys it has); non-objects are returned as is.
  func merging(_ entries: [String: JSONValue]) -> JSONValue {
    guard case .object(var object) = self else { return self }
    object.merge(entries) { _, new in new }
    return .object(object)
  }
}
