import Foundation
import TwinCore

/// Writes dataset versions as files other tools read, and reads them back.
public enum DatasetExchange {
  /// The file names a format writes for `kind`.
  public static func fileNames(_ format: DatasetFileFormat, kind: DatasetKind) -> [String] {
    switch format {
    case .jsonl: DatasetSplit.allCases.map { "\($0.rawValue).jsonl" }
    case .handbook: [handbookFileName(kind)]
    }
  }

  /// The Handbook's artifact file for `kind`.
  public static func handbookFileName(_ kind: DatasetKind) -> String { "\(kind.rawValue)_datasets.json" }

  // MARK: Writing

  /// The files of `samples` in `format`, by name.
  public static func encode(
    _ samples: [DatasetSample], kind: DatasetKind, format: DatasetFileFormat, label: String, testFraction: Double
  ) throws -> [String: Data] {
    switch format {
    case .jsonl:
      var files: [String: Data] = [:]
      for split in DatasetSplit.allCases {
        var data = Data()
        for sample in samples where sample.split == split {
          data += try lineEncoder.encode(row(sample, kind: kind))
          data += Data("\n".utf8)
        }
        files["\(split.rawValue).jsonl"] = data
      }
      return files
    case .handbook:
      var splits: [String: JSONValue] = [:]
      for split in DatasetSplit.allCases {
        var categories: [String: JSONValue] = [:]
        for category in DocumentCategory.allCases {
          let members = samples.enumerated().filter { $0.element.split == split && $0.element.category == category }
          guard !members.isEmpty else { continue }
          categories[category.rawValue] = .object([
            "id": .string(stableID("\(label)|\(split.rawValue)|\(category.rawValue)")),
            "category": .string(category.rawValue),
            "samples": .array(
              members.map { index, sample in
                var object: [String: JSONValue] = [
                  "id": .string(stableID("\(label)|\(index)")), "instruction": .string(sample.instruction),
                ]
                switch kind {
                case .instruct: object["answer"] = .string(sample.answer)
                case .preference:
                  object["chosen"] = .string(sample.answer)
                  object["rejected"] = .string(sample.rejected ?? "")
                }
                return .object(object)
              }),
          ])
        }
        splits[split.rawValue] = .object(categories)
      }
      let document: JSONValue = .object([
        "id": .string(stableID(label)), "train": splits["train"] ?? .object([:]), "test": splits["test"] ?? .object([:]),
        "test_split_size": .double(testFraction),
      ])
      return [handbookFileName(kind): try prettyEncoder.encode(document)]
    }
  }

  static func row(_ sample: DatasetSample, kind: DatasetKind) -> JSONValue {
    switch kind {
    case .instruct:
      .object([
        "instruction": .string(sample.instruction), "output": .string(sample.answer),
        "category": .string(sample.category.rawValue),
      ])
    case .preference:
      .object([
        "prompt": .string(sample.instruction), "rejected": .string(sample.rejected ?? ""),
        "chosen": .string(sample.answer), "category": .string(sample.category.rawValue),
      ])
    }
  }

  /// A UUID-shaped id made from `text`: the same dataset exports the same ids.
  static func stableID(_ text: String) -> String {
    let hex = Array(SHA256Digest.hex(of: text).prefix(32))
    let groups = [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(hex[$0]) }
    return groups.joined(separator: "-")
  }

  static var lineEncoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return e
  }

  static var prettyEncoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return e
  }

  // MARK: Reading

  /// What was read from a file or directory.
  public struct Imported: Sendable {
    public var kind: DatasetKind
    public var format: DatasetFileFormat
    public var samples: [DatasetSample]
    public var files: [String]
  }

  /// Reads a dataset from `url`: a directory with `train.jsonl` (and `test.jsonl`), a directory
  /// with one Handbook file, or a Handbook file itself. The kind follows from the columns.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when nothing readable is there,
  ///   ``TwinError/invalidInput(_:)`` naming the file, line or entry at fault.
  public static func read(_ url: URL) throws -> Imported {
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) else {
      throw TwinError.notFound(kind: .file, name: url.path)
    }
    if !isDirectory.boolValue {
      return url.pathExtension == "jsonl"
        ? try readJSONLines([url.lastPathComponent.hasPrefix("test") ? .test : .train: url])
        : try readHandbook(url)
    }
    let jsonl = DatasetSplit.allCases.compactMap { split -> (DatasetSplit, URL)? in
      let file = url.appendingPathComponent("\(split.rawValue).jsonl")
      return FileManager.default.fileExists(atPath: file.path) ? (split, file) : nil
    }
    if !jsonl.isEmpty { return try readJSONLines(Dictionary(uniqueKeysWithValues: jsonl)) }
    for kind in DatasetKind.allCases {
      let file = url.appendingPathComponent(handbookFileName(kind))
      if FileManager.default.fileExists(atPath: file.path) { return try readHandbook(file) }
    }
    throw TwinError.notFound(
      kind: .file, name: "train.jsonl or \(DatasetKind.allCases.map(handbookFileName).joined(separator: " or ")) in \(url.path)")
  }

  static func readJSONLines(_ files: [DatasetSplit: URL]) throws -> Imported {
    var samples: [DatasetSample] = []
    var kind: DatasetKind?
    for split in DatasetSplit.allCases {
      guard let url = files[split] else { continue }
      let text: String
      do { text = try String(contentsOf: url, encoding: .utf8) } catch {
        throw TwinError.invalidInput("\(url.path) is not readable UTF-8 text: \(error.localizedDescription)")
      }
      for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { continue }
        let at = "\(url.lastPathComponent) line \(number + 1)"
        guard case .object(let row)? = try? JSONDecoder().decode(JSONValue.self, from: Data(trimmed.utf8)) else {
          throw TwinError.invalidInput("\(at) is not a JSON object")
        }
        let rowKind: DatasetKind = row["chosen"] != nil || row["prompt"] != nil ? .preference : .instruct
        if let kind, kind != rowKind {
          throw TwinError.invalidInput("\(at) is \(rowKind) data in a \(kind) file")
        }
        kind = rowKind
        let category = try categoryField(row["category"], at: at)
        switch rowKind {
        case .instruct:
          samples.append(
            DatasetSample(
              instruction: try field(row, "instruction", at: at), answer: try field(row, "output", at: at),
              category: category, split: split))
        case .preference:
          samples.append(
            DatasetSample(
              instruction: try field(row, "prompt", at: at), answer: try field(row, "chosen", at: at),
              rejected: try field(row, "rejected", at: at), category: category, split: split))
        }
      }
    }
    guard let kind else {
      throw TwinError.invalidInput("\(files.values.map(\.lastPathComponent).sorted().joined(separator: ", ")) hold no samples")
    }
    return Imported(kind: kind, format: .jsonl, samples: samples, files: files.values.map(\.path).sorted())
  }

  static func readHandbook(_ url: URL) throws -> Imported {
    let name = url.lastPathComponent
    let data: Data
    do { data = try Data(contentsOf: url) } catch {
      throw TwinError.invalidInput("\(url.path) is not readable: \(error.localizedDescription)")
    }
    guard case .object(let root)? = try? JSONDecoder().decode(JSONValue.self, from: data) else {
      throw TwinError.invalidInput("\(name) is not a JSON object (expected the Handbook's {train, test, test_split_size})")
    }
    var samples: [DatasetSample] = []
    var kind: DatasetKind?
    for split in DatasetSplit.allCases {
      guard let value = root[split.rawValue] else { continue }
      guard case .object(let categories) = value else {
        throw TwinError.invalidInput("\(name): '\(split.rawValue)' is not an object of categories")
      }
      for key in categories.keys.sorted() {
        guard let category = DocumentCategory(rawValue: key) else {
          throw TwinError.invalidInput(
            "\(name): '\(split.rawValue).\(key)' is not a category (\(DocumentCategory.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard case .object(let dataset)? = categories[key], case .array(let entries)? = dataset["samples"] else {
          throw TwinError.invalidInput("\(name): '\(split.rawValue).\(key)' has no samples list")
        }
        for (index, entry) in entries.enumerated() {
          let at = "\(name) \(split.rawValue).\(key).samples[\(index)]"
          guard case .object(let object) = entry else { throw TwinError.invalidInput("\(at) is not an object") }
          let entryKind: DatasetKind = object["chosen"] != nil ? .preference : .instruct
          if let kind, kind != entryKind { throw TwinError.invalidInput("\(at) is \(entryKind) data among \(kind) data") }
          kind = entryKind
          samples.append(
            DatasetSample(
              instruction: try field(object, "instruction", at: at),
              answer: try field(object, entryKind == .instruct ? "answer" : "chosen", at: at),
              rejected: entryKind == .preference ? try field(object, "rejected", at: at) : nil, category: category,
              split: split))
        }
      }
    }
    guard let kind else { throw TwinError.invalidInput("\(name) holds no samples") }
    return Imported(kind: kind, format: .handbook, samples: samples, files: [url.path])
  }

  static func field(_ object: [String: JSONValue], _ key: String, at: String) throws -> String {
    guard case .string(let text)? = object[key] else {
      throw TwinError.invalidInput("\(at) has no text '\(key)'")
    }
    guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
      throw TwinError.invalidInput("\(at) has an empty '\(key)'")
    }
    return text
  }

  /// A sample's category; imported data without one counts as articles.
  static func categoryField(_ value: JSONValue?, at: String) throws -> DocumentCategory {
    guard let value, value != .null else { return .articles }
    guard case .string(let text) = value, let category = DocumentCategory(rawValue: text) else {
      throw TwinError.invalidInput(
        "\(at): 'category' must be one of \(DocumentCategory.allCases.map(\.rawValue).joined(separator: ", "))")
    }
    return category
  }
}
