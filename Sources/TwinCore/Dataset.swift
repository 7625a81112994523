import Foundation

/// What a dataset trains: supervised fine-tuning or preference optimisation.
public enum DatasetKind: String, Sendable, Hashable, Codable, CaseIterable, CustomStringConvertible {
  /// Instruction–answer pairs (SFT).
  case instruct
  /// Instruction–rejected–chosen triples (DPO).
  case preference

  public var description: String { rawValue }
}

/// Which side of the train/test split a sample is on.
public enum DatasetSplit: String, Sendable, Hashable, Codable, CodingKeyRepresentable, CaseIterable, CustomStringConvertible {
  case train, test

  public var description: String { rawValue }
}

/// One training sample. An instruct sample has no `rejected`; a preference sample has both
/// answers, `answer` being the chosen one.
public struct DatasetSample: Sendable, Hashable, Codable {
  /// The instruction (the Handbook's `instruction`, exported as `prompt` for preference data).
  public var instruction: String
  /// The answer to learn: instruct `output`, preference `chosen`.
  public var answer: String
  /// The answer to move away from (preference data only).
  public var rejected: String?
  public var category: DocumentCategory
  public var split: DatasetSplit
  /// Where the sample came from.
  public var source: SampleSource

  public init(
    instruction: String, answer: String, rejected: String? = nil, category: DocumentCategory,
    split: DatasetSplit = .train, source: SampleSource = SampleSource()
  ) {
    self.instruction = instruction
    self.answer = answer
    self.rejected = rejected
    self.category = category
    self.split = split
    self.source = source
  }
}

/// The provenance of a sample: the extract of a document it was made from, or the feedback it
/// was made from. Empty for imported samples.
public struct SampleSource: Sendable, Hashable, Codable {
  public var documentID: UUID?
  /// The extract's id (a hash of its document and text): samples of one extract stay on one
  /// side of the split.
  public var extractID: String?
  /// The feedback entry a pair was made from (`twin datasets from-feedback`).
  public var feedbackID: Int64?

  public init(documentID: UUID? = nil, extractID: String? = nil, feedbackID: Int64? = nil) {
    self.documentID = documentID
    self.extractID = extractID
    self.feedbackID = feedbackID
  }
}

/// `NAME@VERSION` or `NAME@latest` (`NAME` alone means the latest version): how datasets and
/// trained models are named.
public struct VersionReference: Sendable, Hashable, CustomStringConvertible {
  public var name: String
  /// nil: the latest version, or the version ``alias`` points to.
  public var version: Int?
  /// A registry alias (`production`, `staging`) the registry resolves to a version; nil for a
  /// number or the latest. Only models have aliases.
  public var alias: String?

  public init(name: String, version: Int? = nil, alias: String? = nil) {
    self.name = name
    self.version = version
    self.alias = alias
  }

  /// Parses `instruct@3`, `instruct@latest`, `instruct`, or `twin-sft@production` (an alias);
  /// `what` names the kind of thing in errors (`dataset`, `model`).
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` naming the text when it is not one of those.
  public init(parsing text: String, of what: String = "dataset") throws {
    let parts = text.split(separator: "@", omittingEmptySubsequences: false).map(String.init)
    guard (1...2).contains(parts.count), VersionReference.isValidName(parts[0]) else {
      throw TwinError.invalidInput(
        "'\(text)' is not a \(what) reference: write NAME@VERSION, NAME@latest or NAME@ALIAS (names use letters, digits, '-', '_' and '.')")
    }
    name = parts[0]
    guard parts.count == 2, parts[1] != "latest" else { return }
    if let number = Int(parts[1]) {
      guard number > 0 else { throw TwinError.invalidInput("'\(text)': a version number starts at 1") }
      version = number
    } else if VersionReference.isValidAlias(parts[1]) {
      alias = parts[1]
    } else {
      throw TwinError.invalidInput(
        "'\(text)': after '@' comes a version number, 'latest', or an alias (a letter, then letters, digits, '-' or '_')")
    }
  }

  /// Letters, digits, `-`, `_` and `.`, up to 64 characters, not starting with `.`.
  public static func isValidName(_ name: String) -> Bool {
    !name.isEmpty && name.count <= 64 && !name.hasPrefix(".")
      && name.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_.".unicodeScalars.contains($0) }
  }

  /// An ASCII letter, then ASCII letters, digits, `-` and `_`, up to 32 characters; not `latest`.
  public static func isValidAlias(_ alias: String) -> Bool {
    guard let first = alias.unicodeScalars.first, alias.count <= 32, alias != "latest",
      first.properties.isAlphabetic, first.isASCII
    else { return false }
    return alias.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-_".unicodeScalars.contains($0)) }
  }

  public var description: String { "\(name)@\(alias ?? version.map(String.init) ?? "latest")" }
}

/// A dataset's name and version.
public typealias DatasetReference = VersionReference

/// One stored version of a dataset, without its samples.
public struct DatasetVersion: Sendable, Hashable, Codable {
  public var name: String
  public var version: Int
  public var kind: DatasetKind
  /// SHA-256 of the samples (see ``DatasetVersion/contentHash(of:)``): saving the same samples
  /// again gives this version back instead of a new one.
  public var contentHash: String
  public var createdAt: Date
  /// The pipeline run that made it, if one did.
  public var runID: UUID?
  /// Where it came from: documents, model, prompt version, settings (free-form, shown by
  /// `twin datasets show`).
  public var lineage: JSONValue
  /// Samples per split and category: `{"train": {"articles": 40}, "test": {"articles": 4}}`.
  public var counts: [DatasetSplit: [DocumentCategory: Int]]

  public init(
    name: String, version: Int, kind: DatasetKind, contentHash: String, createdAt: Date, runID: UUID?,
    lineage: JSONValue, counts: [DatasetSplit: [DocumentCategory: Int]]
  ) {
    self.name = name
    self.version = version
    self.kind = kind
    self.contentHash = contentHash
    self.createdAt = createdAt
    self.runID = runID
    self.lineage = lineage
    self.counts = counts
  }

  public var reference: DatasetReference { DatasetReference(name: name, version: version) }
  /// `name@version`.
  public var label: String { "\(name)@\(version)" }
  public var sampleCount: Int { counts.values.flatMap(\.values).reduce(0, +) }

  /// The counts of `samples`, per split and category.
  public static func counts(of samples: [DatasetSample]) -> [DatasetSplit: [DocumentCategory: Int]] {
    var counts: [DatasetSplit: [DocumentCategory: Int]] = [:]
    for sample in samples { counts[sample.split, default: [:]][sample.category, default: 0] += 1 }
    return counts
  }

  /// The hash that identifies a dataset's content: its kind and every sample, in order.
  public static func contentHash(kind: DatasetKind, samples: [DatasetSample]) -> String {
    var text = "kind:\(kind.rawValue)\n"
    for s in samples {
      let fields = [
        s.split.rawValue, s.category.rawValue, s.instruction, s.answer, s.rejected ?? "\u{0}",
        s.source.documentID?.uuidString ?? "", s.source.extractID ?? "", s.source.feedbackID.map(String.init) ?? "",
      ]
      text += fields.map { "\($0.utf8.count):\($0)" }.joined(separator: "|") + "\n"
    }
    return SHA256Digest.hex(of: text)
  }
}

/// A dataset to store: its samples and where they came from.
public struct NewDataset: Sendable {
  public var name: String
  public var kind: DatasetKind
  public var samples: [DatasetSample]
  public var runID: UUID?
  public var lineage: JSONValue

  public init(name: String, kind: DatasetKind, samples: [DatasetSample], runID: UUID? = nil, lineage: JSONValue = .object([:])) {
    self.name = name
    self.kind = kind
    self.samples = samples
    self.runID = runID
    self.lineage = lineage
  }
}

/// The versioned dataset store port (SQLite: `SQLiteDatasetStore`).
public protocol DatasetStore: Sendable {
  /// Stores `dataset` as the next version of its name, samples and all, in one transaction.
  /// When the latest version has the same content it is returned instead (`created` false):
  /// re-runs are idempotent.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` for an invalid name, a kind other than the
  ///   name's earlier versions', a preference sample without `rejected` or an instruct sample
  ///   with one.
  func save(_ dataset: NewDataset) async throws -> (version: DatasetVersion, created: Bool)
  /// Every version, newest first, optionally of one name.
  func versions(name: String?) async throws -> [DatasetVersion]
  /// The version `reference` names (the latest when it has no version).
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` naming the reference and what exists.
  func version(_ reference: DatasetReference) async throws -> DatasetVersion
  /// A version's samples in stored order, optionally one split, at most `limit`.
  func samples(of version: DatasetVersion, split: DatasetSplit?, limit: Int?) async throws -> [DatasetSample]
  /// Feedback ids already turned into samples by any version.
  func usedFeedbackIDs() async throws -> Set<Int64>
}
