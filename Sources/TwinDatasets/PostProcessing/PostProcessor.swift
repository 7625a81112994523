import Foundation
import TwinCore

/// `post_process`: the filters, grounding, and exact and near-duplicate removal, in that order.
public struct PostProcessor: Sendable, Hashable, Codable {
  public var filters = SampleFilters()
  public var grounding = Grounding()
  public var deduplicator = Deduplicator()

  public init(filters: SampleFilters = SampleFilters(), grounding: Grounding = Grounding(), deduplicator: Deduplicator = Deduplicator()) {
    self.filters = filters
    self.grounding = grounding
    self.deduplicator = deduplicator
  }

  /// The samples kept, and how many were dropped for each reason.
  ///
  /// - Parameters:
  ///   - extracts: The extracts by id (every sample's must be there).
  ///   - embed: The embedder's vectors for texts, used for near duplicates.
  public func process(
    _ samples: [GeneratedSample], kind: DatasetKind, extracts: [String: Extract],
    embed: ([String]) async throws -> [[Float]]
  ) async throws -> (kept: [GeneratedSample], removed: [RemovalReason: Int]) {
    var removed: [RemovalReason: Int] = [:]
    var candidates: [GeneratedSample] = []
    for sample in samples {
      if let reason = filters.reason(toDrop: sample, kind: kind) {
        removed[reason, default: 0] += 1
      } else if let extract = extracts[sample.extractID], !grounding.isGrounded(sample.answer, in: extract.text) {
        removed[.ungrounded, default: 0] += 1
      } else if extracts[sample.extractID] == nil {
        throw TwinError.storage("sample of extract \(sample.extractID) has no extract in this run; re-run with --no-cache")
      } else {
        candidates.append(sample)
      }
    }
    let vectors = candidates.isEmpty ? [] : try await embed(candidates.map(Deduplicator.text))
    var kept: [GeneratedSample] = []
    for (sample, reason) in zip(candidates, deduplicator.duplicates(candidates, vectors: vectors)) {
      if let reason { removed[reason, default: 0] += 1 } else { kept.append(sample) }
    }
    return (kept, removed)
  }
}
