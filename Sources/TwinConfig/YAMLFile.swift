import Foundation
import TwinCore
import Yams

/// Loads YAML with positions, so errors can say `file:line:column`.
enum YAMLFile {
  static func load(path: String) throws -> Node? {
    guard let data = FileManager.default.contents(atPath: path) else {
      throw TwinError.configuration("\(path): no such file or not readable")
    }
    guard let text = String(data: data, encoding: .utf8) else {
      throw TwinError.configuration("\(path): is not UTF-8 text")
    }
    do {
      return try Yams.compose(yaml: text)
    } catch let error as YamlError {
      throw TwinError.configuration("\(path): invalid YAML: \(error)")
    } catch {
      throw TwinError.configuration("\(path): invalid YAML: \(error)")
    }
  }

  static func location(_ path: String, _ node: Node) -> String {
    guard let mark = node.mark else { return path }
    return "\(path):\(mark.line):\(mark.column)"
  }
}
