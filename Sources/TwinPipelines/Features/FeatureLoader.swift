import Foundation
import TwinCore
import TwinFeatureStore

/// What loading wrote.
public struct FeatureLoadReport: Sendable, Codable, Equatable {
  public var documentsWritten = 0
  public var chunksWritten = 0
  public var chunksRemoved = 0
  public var documentsDeleted = 0
  public var unchanged = 0
  /// Documents per category now in the store (for the authors of the run, or all).
  public var cleanedTotals: [String: Int] = [:]
  public var chunkTotals: [String: Int] = [:]

  func metadata() throws -> [String: JSONValue] {
    guard case .object(let object) = try JSONValue.from(self) else { return [:] }
    return object
  }
}

/// Writes the feature pipeline's output into the store, document by document in batches.
struct FeatureLoader {
  let store: any VectorStore
  let settings: FeatureSettings
  let dimension: Int
  let modelID: String

  func load(
    plan: FeaturePlan, cleaned: [CleanedDocument], embedded: [EmbeddedDocument], progress: any ProgressReporter
  ) async throws -> FeatureLoadReport {
    // The step checked that both came from the same batch; this guards the loader's own callers.
    guard cleaned.count == embedded.count, zip(cleaned, embedded).allSatisfy({ $0.id == $1.documentID }) else {
      throw TwinError.invalidInput("cleaned documents and embedded chunks do not line up; re-run with --no-cache")
    }
    // A rebuild writes into staging collections and swaps them in at the end, in one step:
    // until then (and if it is killed) readers keep the old collections.
    let names = Names(full: plan.full)
    if plan.full {
      for category in DocumentCategory.allCases {
        try await store.dropCollection(names.cleaned(category))
        try await store.dropCollection(names.embedded(category))
      }
    }
    for category in DocumentCategory.allCases {
      try await store.createCollection(.payloadOnly(names.cleaned(category)))
      try await store.createCollection(
        VectorCollectionSpec(
          name: names.embedded(category), dimension: dimension, distance: settings.distance, hnsw: settings.hnsw))
    }
    var report = FeatureLoadReport(unchanged: plan.unchanged)
    let pairs = Array(zip(cleaned, embedded))
    var start = 0
    while start < pairs.count {
      try Task.checkCancellation()
      let slice = pairs[start..<min(start + settings.loadBatchSize, pairs.count)]
      progress.update(task: "load", completed: start, total: pairs.count, detail: "writing documents")
      var batch = VectorWriteBatch()
      for category in DocumentCategory.allCases {
        let group = slice.filter { $0.0.category == category }
        guard !group.isEmpty else { continue }
        let embeddedName = names.embedded(category)
        let fresh = Set(group.flatMap { $0.1.chunks.map(\.id.uuidString) })
        let stale = try await chunkIDs(in: embeddedName, documents: group.map(\.0.id.uuidString)).subtracting(fresh)
        batch.delete(stale.sorted(), from: embeddedName)
        // Chunks left in other categories by a document whose category changed.
        for other in DocumentCategory.allCases where other != category {
          let moved = try await chunkIDs(
            in: names.embedded(other), documents: group.map(\.0.id.uuidString))
          batch.delete(moved.sorted(), from: names.embedded(other))
          batch.delete(group.map(\.0.id.uuidString), from: names.cleaned(other))
          report.chunksRemoved += moved.count
        }
        var points: [VectorPoint] = []
        for (document, output) in group {
          for (chunk, vector) in zip(output.chunks, output.vectors) {
            points.append(try ChunkPayload.point(chunk, vector: vector, document: document, modelID: modelID))
          }
        }
        batch.upsert(points, into: embeddedName)
        batch.upsert(
          try group.map { try CleanedDocumentPayload($0.0, chunkCount: $0.1.chunks.count).point() },
          into: names.cleaned(category))
        report.chunksWritten += points.count
        report.chunksRemoved += stale.count
        report.documentsWritten += group.count
      }
      try await store.write(batch)
      start += slice.count
    }
    progress.update(task: "load", completed: pairs.count, total: pairs.count, detail: "writing documents")
    if plan.full {
      var replacements: [String: String] = [:]
      for category in DocumentCategory.allCases {
        replacements[FeatureCollections.cleaned(category)] = names.cleaned(category)
        replacements[FeatureCollections.embedded(category)] = names.embedded(category)
      }
      try await store.replaceCollections(replacements)
    }
    for category in DocumentCategory.allCases {
      let gone = plan.deleted.filter { $0.category == category }.map(\.id)
      guard !gone.isEmpty else { continue }
      var batch = VectorWriteBatch()
      let chunks = try await chunkIDs(in: FeatureCollections.embedded(category), documents: gone)
      batch.delete(chunks.sorted(), from: FeatureCollections.embedded(category))
      batch.delete(gone, from: FeatureCollections.cleaned(category))
      try await store.write(batch)
      report.documentsDeleted += gone.count
      report.chunksRemoved += chunks.count
    }
    try await store.flush()
    for category in DocumentCategory.allCases {
      report.cleanedTotals[category.rawValue] = try await store.count(in: FeatureCollections.cleaned(category), filter: nil)
      report.chunkTotals[category.rawValue] = try await store.count(in: FeatureCollections.embedded(category), filter: nil)
    }
    return report
  }

  /// The collections a load writes: the feature store's own, or their staging copies during a
  /// rebuild.
  struct Names {
    var full: Bool
    func cleaned(_ category: DocumentCategory) -> String {
      let name = FeatureCollections.cleaned(category)
      return full ? FeatureCollections.staging(name) : name
    }
    func embedded(_ category: DocumentCategory) -> String {
      let name = FeatureCollections.embedded(category)
      return full ? FeatureCollections.staging(name) : name
    }
  }

  /// Ids of the chunks stored for `documents`.
  func chunkIDs(in collection: String, documents: [String]) async throws -> Set<String> {
    guard !documents.isEmpty else { return [] }
    return Set(try await store.points(in: collection, filter: ChunkPayload.documents(documents), withVectors: false).map(\.id))
  }
}
