import Foundation
import TwinCore

/// Printing results: JSON for machines (`--json`), text for people.
enum Output {
  static func json(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
  }

  /// Left-aligned columns.
  static func table(_ header: [String], _ rows: [[String]]) {
    let widths = header.indices.map { i in ([header[i]] + rows.map { $0[i] }).map(\.count).max() ?? 0 }
    func line(_ cells: [String]) -> String {
      cells.enumerated().map { i, c in i == cells.count - 1 ? c : c.padding(toLength: widths[i], withPad: " ", startingAt: 0) }
        .joined(separator: "  ")
    }
    print(line(header))
    rows.forEach { print(line($0)) }
  }

  static func duration(_ seconds: TimeInterval?) -> String {
    guard let seconds else { return "-" }
    if seconds < 1 { return String(format: "%.0fms", seconds * 1000) }
    if seconds < 120 { return String(format: "%.1fs", seconds) }
    return String(format: "%.0fm%02.0fs", (seconds / 60).rounded(.down), seconds.truncatingRemainder(dividingBy: 60))
  }

  static func timestamp(_ date: Date?) -> String {
    guard let date else { return "-" }
    let f = DateFormatter()
    f.dateFormat = "yyyy-MM-dd HH:mm:ss"
    f.locale = Locale(identifier: "en_US_POSIX")
    return f.string(from: date)
  }
}
