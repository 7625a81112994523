import Foundation
import TwinCore

/// The offline batch transform: questions from a JSON Lines file, answers appended to another,
/// one line each. It resumes where it stopped: input lines already answered in the output are
/// skipped, and a half-written last line (a crash mid-write) is cut off first, so no line is
/// ever answered twice.
public struct BatchTransform: Sendable {
  public let service: RAGService

  public init(service: RAGService) { self.service = service }

  /// One input line: `{"query": …, "author"?: …, "k"?: …, "id"?: …}` or a JSON string.
  struct InputLine: Decodable {
    var query: String
    var author: String?
    var k: Int?
    var id: JSONValue?
  }

  /// One output line: the input's line number (1-based) and id, then the answer or the error.
  struct OutputLine: Encodable {
    var line: Int
    var id: JSONValue?
    var query: String?
    var answer: RAGService.Answer?
    var error: String?
    var traceID: String?
    enum CodingKeys: String, CodingKey {
      case line, id, query, answer, error
      case traceID = "trace_id"
    }
  }

  public struct Summary: Sendable, Codable, Hashable {
    /// Non-blank input lines.
    public var total: Int
    /// Lines answered by an earlier run and skipped.
    public var skipped: Int
    public var answered: Int
    public var failed: Int

    public init(total: Int, skipped: Int, answered: Int, failed: Int) {
      self.total = total
      self.skipped = skipped
      self.answered = answered
      self.failed = failed
    }
  }

  /// Answers every input line not yet in `output`. `progress` gets (done, total) after each.
  public func run(
    input: URL, output: URL, progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }
  ) async throws -> Summary {
    guard let data = FileManager.default.contents(atPath: input.path) else {
      throw TwinError.notFound(kind: .file, name: input.path, hint: "the batch input")
    }
    let lines = JSONLines.lines(data)
    let done = try Self.answeredLines(in: output)
    let handle = try Self.openForAppend(output)
    defer { try? handle.close() }
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]

    var summary = Summary(total: lines.count, skipped: 0, answered: 0, failed: 0)
    for (number, text) in lines {
      if done.contains(number) {
        summary.skipped += 1
        continue
      }
      try Task.checkCancellation()
      var record = OutputLine(line: number)
      do {
        let item = try Self.parse(text, line: number, source: input.lastPathComponent)
        record.id = item.id
        record.query = item.query
        let answer = try await service.answer(RAGService.Query(query: item.query, author: item.author, k: item.k))
        record.answer = answer
        record.traceID = answer.traceID
        summary.answered += 1
      } catch let failure as RAGService.Failure {
        record.error = failure.reason
        record.traceID = failure.traceID
        summary.failed += 1
      } catch let error as TwinError {
        record.error = "\(error)"
        summary.failed += 1
      }
      // One write per line, flushed to disk: a crash leaves whole lines (or a cut last line,
      // which the next run removes).
      try handle.write(contentsOf: try encoder.encode(record) + Data("\n".utf8))
      try handle.synchronize()
      progress(summary.skipped + summary.answered + summary.failed, summary.total)
    }
    return summary
  }

  static func parse(_ text: Substring, line: Int, source: String) throws -> InputLine {
    let data = Data(text.utf8)
    if let query = try? JSONDecoder().decode(String.self, from: data) { return InputLine(query: query) }
    do { return try JSONDecoder().decode(InputLine.self, from: data) } catch {
      throw TwinError.invalidInput("\(source) line \(line): not a JSON object with a \"query\" string or a JSON string")
    }
  }

  /// The input line numbers already answered in `output`, after cutting a partial last line.
  static func answeredLines(in output: URL) throws -> Set<Int> {
    guard let data = FileManager.default.contents(atPath: output.path), !data.isEmpty else { return [] }
    var complete = data
    if data.last != UInt8(ascii: "\n") {
      let cut = data.lastIndex(of: UInt8(ascii: "\n")).map { $0 + 1 } ?? 0
      complete = data.prefix(cut)
      let handle = try FileHandle(forWritingTo: output)
      try handle.truncate(atOffset: UInt64(cut))
      try handle.close()
    }
    var lines: Set<Int> = []
    for (number, text) in JSONLines.lines(complete) {
      guard let object = try? JSONDecoder().decode([String: JSONValue].self, from: Data(text.utf8)),
        case .int(let line)? = object["line"]
      else { throw TwinError.invalidInput("\(output.path) line \(number) is not a batch answer; refusing to append to it") }
      lines.insert(line)
    }
    return lines
  }

  static func openForAppend(_ url: URL) throws -> FileHandle {
    if !FileManager.default.fileExists(atPath: url.path) {
      guard FileManager.default.createFile(atPath: url.path, contents: nil) else {
        throw TwinError.storage("cannot create \(url.path)")
      }
    }
    let handle = try FileHandle(forWritingTo: url)
    try handle.seekToEnd()
    return handle
  }
}
