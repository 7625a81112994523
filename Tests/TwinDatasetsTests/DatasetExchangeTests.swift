import Foundation
import Testing
import TwinCore
import TwinDatasets

@Suite struct DatasetExchangeTests {
  func samples(_ kind: DatasetKind) -> [DatasetSample] {
    [
      DatasetSample(instruction: "Why RAG?", answer: "Because \"evidence\".\nIt helps.", rejected: kind == .preference ? "Dunno." : nil, category: .articles, split: .train),
      DatasetSample(instruction: "Posts?", answer: "Short ones.", rejected: kind == .preference ? "Long ones." : nil, category: .posts, split: .train),
      DatasetSample(instruction: "Test me?", answer: "Sure.", rejected: kind == .preference ? "No." : nil, category: .articles, split: .test),
    ]
  }

  func directory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("twin-export-\(UUID())")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
  }

  @Test(arguments: DatasetKind.allCases, DatasetFileFormat.allCases)
  func exportThenImportGivesTheSamplesBack(kind: DatasetKind, format: DatasetFileFormat) throws {
    let dir = try directory()
    let files = try DatasetExchange.encode(samples(kind), kind: kind, format: format, label: "x@1", testFraction: 0.1)
    #expect(Set(files.keys) == Set(DatasetExchange.fileNames(format, kind: kind)))
    for (name, data) in files { try data.write(to: dir.appendingPathComponent(name)) }
    let imported = try DatasetExchange.read(dir)
    #expect(imported.kind == kind && imported.format == format)
    // The Handbook's file groups by split then category; the samples are the same set.
    #expect(Set(imported.samples) == Set(samples(kind)))
  }

  @Test func jsonLinesUseTheHandbooksColumnNames() throws {
    let instruct = try DatasetExchange.encode(samples(.instruct), kind: .instruct, format: .jsonl, label: "i@1", testFraction: 0.1)
    let line = String(decoding: instruct["test.jsonl"]!, as: UTF8.self)
    #expect(line == #"{"category":"articles","instruction":"Test me?","output":"Sure."}"# + "\n")
    let preference = try DatasetExchange.encode(samples(.preference), kind: .preference, format: .jsonl, label: "p@1", testFraction: 0.1)
    let row = try JSONDecoder().decode([String: String].self, from: preference["test.jsonl"]!.dropLast())
    #expect(row == ["prompt": "Test me?", "chosen": "Sure.", "rejected": "No.", "category": "articles"])
  }

  @Test func badFilesAreNamedWithTheLine() throws {
    let dir = try directory()
    try Data("{\"instruction\": \"Q?\", \"output\": \"A.\"}\nnot json\n".utf8).write(to: dir.appendingPathComponent("train.jsonl"))
    #expect(throws: TwinError.invalidInput("train.jsonl line 2 is not a JSON object")) { try DatasetExchange.read(dir) }
    try Data("{\"instruction\": \"Q?\"}\n".utf8).write(to: dir.appendingPathComponent("train.jsonl"))
    #expect(throws: TwinError.invalidInput("train.jsonl line 1 has no text 'output'")) { try DatasetExchange.read(dir) }
    let empty = try directory()
    #expect(throws: TwinError.self) { try DatasetExchange.read(empty) }
  }
}
