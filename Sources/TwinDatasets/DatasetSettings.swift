import Foundation
import TwinCore

/// Every knob of the dataset pipeline, with its default; the `datasets.*` settings fill it.
public struct DatasetSettings: Sendable, Hashable, Codable {
  /// Extract sizes (the Handbook's 1,000–2,000 characters).
  public var extractMinCharacters = 1_000
  public var extractMaxCharacters = 2_000
  public var generation = GenerationSettings()
  public var postProcessing = PostProcessor()
  public var split = DatasetSplitter()

  public init() {}

  /// The cutter these sizes give.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when the sizes are out of range.
  public func cutter() throws -> ExtractCutter {
    try ExtractCutter(minCharacters: extractMinCharacters, maxCharacters: extractMaxCharacters)
  }

  /// Checks the values a user can set, naming the first out of range.
  public func validate() throws {
    _ = try cutter()
    func check<T: Comparable>(_ value: T, _ range: ClosedRange<T>, _ name: String) throws {
      guard range.contains(value) else {
        throw TwinError.invalidInput("\(name) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
      }
    }
    try check(generation.concurrency, GenerationSettings.concurrencyRange, "the concurrency")
    try check(generation.retries, GenerationSettings.retriesRange, "the retries")
    try check(generation.maxTokens, GenerationSettings.maxTokensRange, "the generation max tokens")
    try check(generation.temperature, CompletionLimits.temperature, "the temperature")
    try check(split.testFraction, DatasetSplitter.fractionRange, "the test split")
    try check(postProcessing.grounding.minimumShare, Grounding.shareRange, "the grounding share")
    try check(postProcessing.deduplicator.threshold, Deduplicator.thresholdRange, "the near-duplicate similarity")
  }
}
