import Foundation
import TwinCore
import Yams

/// A digital-data ETL job: whose writing to crawl, and where it is.
///
/// The file layout is the LLM Engineer's Handbook's `configs/digital_data_etl_<author>.yaml`:
/// ```yaml
/// parameters:
///   user_full_name: Paul Iusztin
///   links:
///     - https://medium.com/@pauliusztin/...
/// ```
/// The Handbook's ZenML `settings:` block is accepted and ignored so its files load unchanged;
/// any other key is an error naming the file, line and key.
public struct ETLConfig: Sendable, Equatable {
  public var userFullName: String
  public var links: [String]

  public init(userFullName: String, links: [String]) throws {
    let name = User.normalizedFullName(userFullName)
    guard !name.isEmpty else { throw TwinError.configuration("user_full_name must not be empty") }
    guard !links.isEmpty else { throw TwinError.configuration("links must list at least one link") }
    self.userFullName = name
    self.links = links
  }

  public static func load(path: String) throws -> ETLConfig {
    guard let root = try YAMLFile.load(path: path), let top = root.mapping else {
      throw TwinError.configuration("\(path): expected a mapping with a 'parameters' key")
    }
    var parameters: Node?
    for (key, value) in top {
      switch key.string {
      case "parameters": parameters = value
      case "settings": continue  // ZenML's orchestrator settings: meaningless to Twin.
      default:
        throw TwinError.configuration(
          "\(YAMLFile.location(path, key)): unknown key '\(key.string ?? "?")' (expected 'parameters')")
      }
    }
    guard let parameters, let mapping = parameters.mapping else {
      throw TwinError.configuration("\(path): missing 'parameters' mapping with user_full_name and links")
    }
    var name: String?
    var links: [String]?
    for (key, value) in mapping {
      switch key.string {
      case "user_full_name":
        guard let s = value.string else {
          throw TwinError.configuration("\(YAMLFile.location(path, value)): user_full_name must be a string")
        }
        name = s
      case "links":
        guard let seq = value.sequence else {
          throw TwinError.configuration("\(YAMLFile.location(path, value)): links must be a list of URLs")
        }
        links = try seq.map { item in
          guard let s = item.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw TwinError.configuration("\(YAMLFile.location(path, item)): each link must be a non-empty string")
          }
          return s.trimmingCharacters(in: .whitespaces)
        }
      default:
        throw TwinError.configuration(
          "\(YAMLFile.location(path, key)): unknown key 'parameters.\(key.string ?? "?")' (expected user_full_name, links)")
      }
    }
    guard let name else { throw TwinError.configuration("\(path): parameters.user_full_name is missing") }
    guard let links else { throw TwinError.configuration("\(path): parameters.links is missing") }
    do {
      return try ETLConfig(userFullName: name, links: links)
    } catch let error as TwinError {
      throw TwinError.configuration("\(path): \(error)")
    }
  }
}
