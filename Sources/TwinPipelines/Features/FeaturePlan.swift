import Foundation
import TwinCore

/// Which documents the feature pipeline must process, found by comparing each raw document's
/// source hash with the one stored beside its cleaned copy: change-data capture without a queue.
public struct FeaturePlan: Sendable, Codable {
  /// New or changed documents, with everything the next steps need.
  public var documents: [PlannedDocument]
  /// Cleaned documents whose raw document is gone: their features are removed.
  public var deleted: [DeletedDocument]
  public var unchanged: Int
  /// Whether the collections are rebuilt from nothing (`--full`).
  public var full: Bool

  public struct PlannedDocument: Sendable, Codable {
    public var document: RawDocument
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
  static func make(
    warehouse: any DataWarehouse, store: any VectorStore, authors: [User]?, featureVersion: String, full: Bool
  ) async throws -> FeaturePlan {
    var raw: [RawDocument] = []
    if let authors {
      for author in authors { raw += try await warehouse.documents(authorID: author.id, category: nil) }
    } else {
      raw = try await warehouse.documents(authorID: nil, category: nil)
    }
    var stored: [String: (hash: String, category: DocumentCategory)] = [:]
    if !full {
      let existing = Set(try await store.collections().map(\.name))
      let authorFilter = authors.map { list in
        PayloadFilter([.isIn(key: "author_id", values: list.map { .string($0.id.uuidString) })])
      }
      for category in DocumentCategory.allCases where existing.contains(FeatureCollections.cleaned(category)) {
        for point in try await store.points(
          in: FeatureCollections.cleaned(category), filter: authorFilter, withVectors: false)
        {
          stored[point.id] = (point.string("source_hash") ?? "", category)
        }
      }
    }
    var plan = FeaturePlan(documents: [], deleted: [], unchanged: 0, full: full)
    var seen = Set<String>()
    for document in raw {
      let id = document.id.uuidString
      seen.insert(id)
      let hash = sourceHash(document, featureVersion: featureVersion)
      if let previous = stored[id], previous.hash == hash, previous.category == document.category {
        plan.unchanged += 1
      } else {
        plan.documents.append(PlannedDocument(document: document, sourceHash: hash, isUpdate: stored[id] != nil))
      }
    }
    plan.deleted = stored.filter { !seen.contains($0.key) }.map { DeletedDocument(id: $0.key, category: $0.value.category) }
      .sorted { $0.id < $1.id }
    return plan
  }
}
