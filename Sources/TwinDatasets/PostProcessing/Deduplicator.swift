import Foundation
import TwinCore
import TwinTensor

/// Drops exact and near duplicates, keeping the first of each group.
///
/// Exact: the same instruction and answer once lowercased and whitespace-collapsed. Near: the
/// embedding of instruction and answer is at least ``threshold`` cosine-similar to one kept
/// before (the embedder's vectors are unit length, so the dot product is the cosine).
public struct Deduplicator: Sendable, Hashable, Codable {
  public var threshold: Double

  public static let thresholdRange = 0.5...1.0

  public init(threshold: Double = 0.95) { self.threshold = threshold }

  /// The text embedded for near-duplicate search.
  public static func text(of sample: GeneratedSample) -> String { sample.instruction + "\n\n" + sample.answer }

  /// For each sample, nil when kept or the reason it is a duplicate. `vectors` are the samples'
  /// embeddings, in order.
  public func duplicates(_ samples: [GeneratedSample], vectors: [[Float]]) -> [RemovalReason?] {
    precondition(samples.count == vectors.count, "one vector per sample")
    var seen = Set<String>()
    var kept: [[Float]] = []
    return zip(samples, vectors).map { sample, vector in
      let key = SampleFilters.normalized(sample.instruction) + "\u{0}" + SampleFilters.normalized(sample.answer)
      guard seen.insert(key).inserted else { return .duplicate }
      if kept.contains(where: { Double(Kernels.cosine($0, vector)) >= threshold }) { return .nearDuplicate }
      kept.append(vector)
      return nil
    }
  }
}
