import Foundation
import TwinCore
import TwinFeatureStore
import TwinOrchestrator

/// Which documents the feature pipeline must process, found by comparing each raw document's
/// source hash with the one stored beside its cleaned copy: change-data capture without a queue.
public struct FeaturePlan: Sendable, Codable {
  /// New or changed documents.
  public var documents: [PlannedDocument]
  /// Those documents as the query read them, in the same order, in the blob store.
  public var raw: BlobRef<[RawDocument]>
  /// Cleaned documents whose raw document is gone: their features are removed.
  public var deleted: [DeletedDocument]
  public var unchanged: Int
  /// Whether the collections are rebuilt from nothing (`--full`).
  public var full: Bool

  public struct PlannedDocument: Sendable, Codable {
    public var id: UUID
    public var category: DocumentCategory
    public var authorFullName: String
    public var sourceHash: String
    /// Whether a cleaned copy already exists (an update rather than an insert).
    public var isUpdate: Bool
  }

  public struct DeletedDocument: Sendable, Codable, Hashable {
    public var id: String
    public var category: DocumentCategory
  }

  /// The hash that says whether `document`'s features are current under `featureVersion`.
  static func sourceHash(_ document: RawDocument, featureVersion: String) -> String {
    let fields = [
      document.contentHash, document.category.rawValue, document.platform, document.authorID.uuidString,
      document.authorFullName, document.link ?? "", document.name ?? "", featureVersion,
    ]
    return SHA256Digest.hex(of: fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|"))
  }

  /// Compares the warehouse with the feature store for `authors` (nil: everyone).
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when the plan would delete most of the stored
  ///   documents' features and `allowMassDelete` is false (see ``massDeletion(deleting:of:)``).
  static func make(
    warehouse: any DataWarehouse, store: any VectorStore, blobs: ArtifactBlobStore, authors: [User]?,
    featureVersion: String, full: Bool, allowMassDelete: Bool = false
  ) async throws -> FeaturePlan {
    var raw: [RawDocument] = []
    if let authors {
      for author in authors { raw += try await warehouse.documents(authorID: author.id, category: nil) }
    } else {
      raw = try await warehouse.documents(authorID: nil, category: nil)
    }
    // In an order that depends on the documents, not on when a crawl happened to store them:
    // the embedder's batches (and so the last bits of the vectors) follow this order, and the
    // same corpus must give the same feature store, search ranks and answers.
    raw.sort { ($0.category.rawValue, $0.link ?? "", $0.name ?? "", $0.contentHash) < ($1.category.rawValue, $1.link ?? "", $1.name ?? "", $1.contentHash) }
    var stored: [String: (hash: String, category: DocumentCategory)] = [:]
    if !full {
      let existing = Set(try await store.collections().map(\.name))
      let authorFilter = authors.map { CleanedDocumentPayload.authors($0.map(\.id)) }
      for category in DocumentCategory.allCases where existing.contains(FeatureCollections.cleaned(category)) {
        for point in try await store.points(
          in: FeatureCollections.cleaned(category), filter: authorFilter, withVectors: false)
        {
          // Only the hash is needed: reading it by its typed key skips decoding each document's
          // whole text. A point without one is processed again.
          stored[point.id] = (point.string(CleanedDocumentPayload.CodingKeys.sourceHash.stringValue) ?? "", category)
        }
      }
    }
    var documents: [PlannedDocument] = []
    var changed: [RawDocument] = []
    var unchanged = 0
    var seen = Set<String>()
    for document in raw {
      let id = document.id.uuidString
      seen.insert(id)
      let hash = sourceHash(document, featureVersion: featureVersion)
      if let previous = stored[id], previous.hash == hash, previous.category == document.category {
        unchanged += 1
      } else {
        documents.append(
          PlannedDocument(
            id: document.id, category: document.category, authorFullName: document.authorFullName, sourceHash: hash,
            isUpdate: stored[id] != nil))
        changed.append(document)
      }
    }
    var plan = FeaturePlan(
      documents: documents, raw: try blobs.put(json: changed), deleted: [], unchanged: unchanged, full: full)
    plan.deleted = stored.filter { !seen.contains($0.key) }.map { DeletedDocument(id: $0.key, category: $0.value.category) }
      .sorted { $0.id < $1.id }
    if !allowMassDelete, let refusal = massDeletion(deleting: plan.deleted.count, of: stored.count) {
      throw TwinError.invalidInput(refusal)
    }
    return plan
  }

  /// Why deleting `deleting` of the `stored` documents' features needs the user's word, or nil.
  ///
  /// Documents leave the warehouse one by one; most of them vanishing at once means the
  /// warehouse was emptied, replaced or pointed elsewhere, and the feature store may hold the
  /// only copy left. So a run that would delete more than half of them (two at least) stops.
  static func massDeletion(deleting: Int, of stored: Int) -> String? {
    guard deleting >= 2, deleting * 2 > stored else { return nil }
    return "this run would delete the features of \(deleting) of the \(stored) documents in the feature "
      + "store, because the warehouse no longer has them. That usually means the warehouse was emptied or "
      + "replaced, and the feature store may hold the only copy left. Nothing was changed. If the documents "
      + "were removed on purpose, run again with --allow-mass-delete (or --full to rebuild the store)"
  }
}
