/// A CSV reader for RFC 4180 text: comma-separated fields, optionally quoted; quoted fields may
/// hold commas, line breaks and doubled quotes (`""` for `"`).
///
/// It accepts the line endings real exports use (CRLF, LF, lone CR), ignores a final line break
/// and blank lines, and rejects what cannot be read unambiguously: a quote that is never closed,
/// text after a closing quote, and a quote inside an unquoted field.
enum CSVParser {
  /// One record and the line it starts on (1-based), for error messages: records with quoted
  /// line breaks span several lines.
  struct Record: Sendable, Equatable {
    var fields: [String]
    var line: Int
  }

  /// Malformed CSV, located by record (1-based, the header being record 1) and line.
  struct Failure: Error, Sendable, Equatable, CustomStringConvertible {
    var record: Int
    var line: Int
    var reason: String

    var description: String { "row \(record) (line \(line)): \(reason)" }
  }

  /// Splits `text` into records.
  static func parse(_ text: String) throws(Failure) -> [Record] {
    var parser = State(bytes: Array(text.utf8))
    return try parser.run()
  }

  /// The parser's position and the record being built. Works on UTF-8 bytes: every delimiter is
  /// ASCII, so splitting between bytes never cuts a multi-byte character.
  private struct State {
    let bytes: [UInt8]
    var index = 0
    var line = 1
    var records: [Record] = []
    var fields: [String] = []
    var field: [UInt8] = []
    var recordLine = 1

    init(bytes: [UInt8]) { self.bytes = bytes }

    static let comma = UInt8(ascii: ",")
    static let quote = UInt8(ascii: "\"")
    static let cr = UInt8(ascii: "\r")
    static let lf = UInt8(ascii: "\n")

    mutating func run() throws(Failure) -> [Record] {
      while index < bytes.count {
        if field.isEmpty && bytes[index] == Self.quote {
          try readQuotedField()
        } else {
          try readUnquotedField()
        }
      }
      // Text ending without a line break still ends its last record.
      if !fields.isEmpty || !field.isEmpty { endRecord() }
      return records
    }

    /// Reads an unquoted field up to the next comma or line break (consumed).
    mutating func readUnquotedField() throws(Failure) {
      while index < bytes.count {
        let byte = bytes[index]
        switch byte {
        case Self.comma:
          index += 1
          endField()
          return
        case Self.cr, Self.lf:
          consumeLineBreak()
          endRecord()
          return
        case Self.quote:
          throw failure(
            "a quote inside an unquoted field (quote the whole field and double the quote)")
        default:
          field.append(byte)
          index += 1
        }
      }
      // At the end of the text the field stays open; `run` closes the record.
    }

    /// Reads a quoted field and the delimiter after it.
    mutating func readQuotedField() throws(Failure) {
      let openingLine = line
      index += 1
      while true {
        guard index < bytes.count else {
          throw Failure(
            record: records.count + 1, line: openingLine,
            reason: "a quoted field is never closed")
        }
        let byte = bytes[index]
        if byte == Self.quote {
          if index + 1 < bytes.count && bytes[index + 1] == Self.quote {
            field.append(Self.quote)
            index += 2
            continue
          }
          index += 1
          break
        }
        if byte == Self.lf
          || (byte == Self.cr && !(index + 1 < bytes.count && bytes[index + 1] == Self.lf))
        {
          line += 1
        }
        field.append(byte)
        index += 1
      }
      // After the closing quote: a comma, a line break or the end (where `run` closes the
      // record), nothing else.
      guard index < bytes.count else { return }
      switch bytes[index] {
      case Self.comma:
        index += 1
        endField()
      case Self.cr, Self.lf:
        consumeLineBreak()
        endRecord()
      default:
        throw failure("text after a closing quote")
      }
    }

    mutating func consumeLineBreak() {
      if bytes[index] == Self.cr && index + 1 < bytes.count && bytes[index + 1] == Self.lf {
        index += 2
      } else {
        index += 1
      }
      line += 1
    }

    mutating func endField() {
      fields.append(String(decoding: field, as: UTF8.self))
      field = []
    }

    mutating func endRecord() {
      endField()
      // A blank line is no record.
      if !(fields.count == 1 && fields[0].isEmpty) {
        records.append(Record(fields: fields, line: recordLine))
      }
      fields = []
      recordLine = line
    }

    func failure(_ reason: String) -> Failure {
      Failure(record: records.count + 1, line: line, reason: reason)
    }
  }
}
