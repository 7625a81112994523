import ArgumentParser
import TwinCore

extension CompletionLimits {
  /// The same rule as the API's, worded for a command-line option.
  static func check(_ value: Int, in range: ClosedRange<Int>, option: String) throws {
    guard range.contains(value) else {
      throw ValidationError("\(option) must be between \(range.lowerBound) and \(range.upperBound) (got \(value))")
    }
  }
}
