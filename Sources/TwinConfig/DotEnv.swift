import Foundation
import TwinCore

/// A minimal `.env` reader: `NAME=value` lines, `#` comments, optional `export`, and single or
/// double quotes around the value (double quotes understand `\n`, `\"` and `\\`).
public enum DotEnv {
  public struct Entry: Sendable, Equatable {
    public var name: String
    public var value: String
    public var line: Int
  }

  public static func parse(path: String) throws -> [Entry] {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TwinError.configuration("\(path): cannot be read")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TwinError.configuration("\(path): is not UTF-8 text")
    }
    return try parse(text, source: path)
  }

  public static func parse(_ text: String, source: String) throws -> [Entry] {
    var entries: [Entry] = []
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      var line = rawLine.trimmingCharacters(in: .whitespaces)
      if line.hasSuffix("\r") { line.removeLast() }
      if line.isEmpty || line.hasPrefix("#") { continue }
      if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
      guard let eq = line.firstIndex(of: "=") else {
        throw TwinError.configuration("\(source):\(index + 1): expected NAME=value")
      }
      let name = line[..<eq].trimmingCharacters(in: .whitespaces)
      guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
        throw TwinError.configuration("\(source):\(index + 1): invalid variable name '\(name)'")
      }
      var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") {
        value = unescape(String(value.dropFirst().dropLast()))
      } else if value.count >= 2, value.hasPrefix("'"), value.hasSuffix("'") {
        value = String(value.dropFirst().dropLast())
      } else if let hash = value.range(of: " #") {
        value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
      }
      entries.append(Entry(name: name, value: value, line: index + 1))
    }
    return entries
  }

  static func unescape(_ s: String) -> String {
    var out = ""
    var escaping = false
    for c in s {
      if escaping {
        switch c {
        case "n": out.append("\n")
        case "t": out.append("\t")
        default: out.append(c)
        }
        escaping = false
      } else if c == "\\" {
        escaping = true
      } else {
        out.append(c)
      }
    }
    return out
  }
}
