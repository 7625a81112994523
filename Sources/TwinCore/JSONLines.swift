import Foundation

/// Reading JSON Lines files: one JSON value per line, blank lines skipped, and a line that
/// does not decode reported by its number in the file (blank lines counted, as an editor does).
public enum JSONLines {
  /// The non-blank lines of `data`, each with its 1-based line number.
  public static func lines(_ data: Data) -> [(number: Int, text: Substring)] {
    String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated()
      .compactMap { index, line in
        line.allSatisfy(\.isWhitespace) ? nil : (index + 1, line)
      }
  }

  /// Decodes every non-blank line of `file` as `T`.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when the file cannot be read (with
  ///   `what` as the hint), ``TwinError/invalidInput(_:)`` naming the file, the line and `expected`.
  public static func decode<T: Decodable>(_ type: T.Type, from file: URL, what: String, expected: String) throws -> [T] {
    guard let data = FileManager.default.contents(atPath: file.path) else {
      throw TwinError.notFound(kind: .file, name: file.path, hint: what)
    }
    return try lines(data).map { number, text in
      do { return try JSONDecoder().decode(T.self, from: Data(text.utf8)) } catch {
        throw TwinError.invalidInput("\(file.lastPathComponent) line \(number): expected \(expected)")
      }
    }
  }
}
