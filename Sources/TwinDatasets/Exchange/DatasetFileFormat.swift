import Foundation
/// The file formats `twin datasets export` writes and `twin datasets import` reads.
public enum DatasetFileFormat: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
  /// Hugging Face-style JSON Lines, one file per split (`train.jsonl`, `test.jsonl`), with the
  /// Handbook's column names (instruct: `instruction`, `output`; preference: `prompt`,
  /// `rejected`, `chosen`) and a `category` column.
  case jsonl
  /// The Handbook's artifact JSON: `instruct_datasets.json` or `preference_datasets.json`, train
  /// and test per category.
  case handbook

  public var description: String { rawValue }
}
