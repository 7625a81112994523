import Foundation
import TwinCore

/// Splits samples into train and test per category, seeded, with each extract's samples on one
/// side only: a test question about a passage the model trained on would measure memory, not
/// skill.
public struct DatasetSplitter: Sendable, Hashable, Codable {
  /// The share of each category's samples that goes to test (the Handbook's 0.1).
  public var testFraction: Double
  public var seed: UInt64

  public static let fractionRange = 0.0...0.9

  public init(testFraction: Double = 0.1, seed: UInt64 = 42) {
    self.testFraction = testFraction
    self.seed = seed
  }

  /// `samples` in their order, each on its side.
  ///
  /// Per category, the extracts are shuffled with the seed and taken for test until their
  /// samples reach `testFraction` of the category's (rounded). A category with at least two
  /// extracts and a fraction above 0 always gives test at least one extract; one with a single
  /// extract stays in train.
  public func split(_ samples: [GeneratedSample]) -> [DatasetSample] {
    var testExtracts = Set<String>()
    let byCategory = Dictionary(grouping: samples, by: \.category)
    for category in DocumentCategory.allCases {
      guard let members = byCategory[category], testFraction > 0 else { continue }
      var counts: [String: Int] = [:]
      for sample in members { counts[sample.extractID, default: 0] += 1 }
      guard counts.count >= 2 else { continue }
      var rng = RandomSource(seed: seed &+ UInt64(DocumentCategory.allCases.firstIndex(of: category)!))
      let order = counts.keys.sorted().shuffled(using: &rng)
      let target = max(1, Int((Double(members.count) * testFraction).rounded()))
      var taken = 0
      // The last extract always stays in train.
      for extract in order.dropLast() where taken < target {
        testExtracts.insert(extract)
        taken += counts[extract]!
      }
    }
    return samples.map { $0.sample(split: testExtracts.contains($0.extractID) ? .test : .train) }
  }
}
