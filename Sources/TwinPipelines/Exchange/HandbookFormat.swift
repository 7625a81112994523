import Foundation
import TwinCore

/// The LLM Engineer's Handbook's exported data warehouse: one JSON list per MongoDB collection.
///
/// `UserDocument.json` holds `{_id, first_name, last_name}`; the document files hold
/// `{_id, content, platform, author_id, author_full_name, link}` plus `name` (repositories) and
/// `image` (posts). Content is a string map; JSON `null` values (an article's `Subtitle`) are kept.
public enum HandbookFormat {
  public static let userFile = "UserDocument.json"
  public static var allFiles: [String] { [userFile] + DocumentCategory.allCases.map(\.exportFileName) }

  // MARK: Encoding

  public static func encode(users: [User]) throws -> Data {
    let objects: [[String: JSONValue]] = users.map {
      ["_id": .string($0.id.uuidString.lowercased()), "first_name": .string($0.firstName), "last_name": .string($0.lastName)]
    }
    return try encoder.encode(objects)
  }

  public static func encode(documents: [RawDocument]) throws -> Data {
    let objects: [[String: JSONValue]] = documents.map { doc in
      var object: [String: JSONValue] = [
        "_id": .string(doc.id.uuidString.lowercased()),
        "content": .object(doc.content.mapValues { $0.map(JSONValue.string) ?? .null }),
        "platform": .string(doc.platform),
        "author_id": .string(doc.authorID.uuidString.lowercased()),
        "author_full_name": .string(doc.authorFullName),
      ]
      switch doc.category {
      case .articles:
        object["link"] = .string(doc.link ?? "")
      case .posts:
        object["link"] = doc.link.map(JSONValue.string) ?? .null
        object["image"] = doc.image.map(JSONValue.string) ?? .null
      case .repositories:
        object["name"] = .string(doc.name ?? "")
        object["link"] = .string(doc.link ?? "")
      }
      return object
    }
    return try encoder.encode(objects)
  }

  static var encoder: JSONEncoder {
    let e = JSONEncoder()
    e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    return e
  }

  // MARK: Decoding

  /// Decodes `UserDocument.json`. Errors name the file and the entry.
  public static func decodeUsers(_ data: Data, file: String) throws -> [User] {
    try entries(data, file: file).enumerated().map { index, entry in
      let at = EntryLocation(file: file, index: index, id: entry["_id"] as? String)
      let first = try at.string(entry, "first_name")
      let last = try at.optionalString(entry, "last_name") ?? ""
      guard !(first + last).trimmingCharacters(in: .whitespaces).isEmpty else {
        throw at.error("has an empty name")
      }
      return User(id: try at.uuid(entry, "_id"), firstName: first, lastName: last)
    }
  }

  /// Decodes one document file of `category`. Errors name the file and the entry.
  public static func decodeDocuments(_ data: Data, file: String, category: DocumentCategory) throws -> [RawDocument] {
    try entries(data, file: file).enumerated().map { index, entry in
      let at = EntryLocation(file: file, index: index, id: entry["_id"] as? String)
      guard let rawContent = entry["content"] as? [String: Any] else {
        throw at.error("needs 'content' to be an object")
      }
      var content: DocumentContent = [:]
      for (key, value) in rawContent {
        switch value {
        case let s as String: content[key] = .some(s)
        case is NSNull: content[key] = .some(nil)
        default: throw at.error("content.\(key) must be a string or null")
        }
      }
      do {
        return try RawDocument(
          id: try at.uuid(entry, "_id"), category: category, content: content,
          platform: try at.string(entry, "platform"), authorID: try at.uuid(entry, "author_id"),
          authorFullName: try at.string(entry, "author_full_name"), link: try at.optionalString(entry, "link"),
          name: category == .repositories ? try at.optionalString(entry, "name") : nil,
          image: category == .posts ? try at.optionalString(entry, "image") : nil)
      } catch let error as TwinError {
        if case .invalidInput(let why) = error { throw at.error(why) }
        throw error
      }
    }
  }

  static func entries(_ data: Data, file: String) throws -> [[String: Any]] {
    let json: Any
    do {
      json = try JSONSerialization.jsonObject(with: data)
    } catch {
      throw TwinError.invalidInput("\(file): not valid JSON (\(error.localizedDescription))")
    }
    guard let list = json as? [Any] else { throw TwinError.invalidInput("\(file): expected a JSON list") }
    return try list.enumerated().map { index, item in
      guard let object = item as? [String: Any] else {
        throw TwinError.invalidInput("\(file): entry \(index) is not an object")
      }
      return object
    }
  }

  /// Where an entry is, for error messages: `ArticleDocument.json entry 3 (_id …)`.
  struct EntryLocation {
    var file: String
    var index: Int
    var id: String?

    func error(_ why: String) -> TwinError {
      .invalidInput("\(file): entry \(index)\(id.map { " (_id \($0))" } ?? "") \(why)")
    }
    func string(_ entry: [String: Any], _ key: String) throws -> String {
      guard let s = entry[key] as? String else { throw error("needs '\(key)' to be a string") }
      return s
    }
    func optionalString(_ entry: [String: Any], _ key: String) throws -> String? {
      switch entry[key] {
      case nil, is NSNull: return nil
      case let s as String: return s
      default: throw error("needs '\(key)' to be a string or null")
      }
    }
    func uuid(_ entry: [String: Any], _ key: String) throws -> UUID {
      guard let id = UUID(uuidString: try string(entry, key)) else {
        throw error("needs '\(key)' to be a UUID")
      }
      return id
    }
  }
}
