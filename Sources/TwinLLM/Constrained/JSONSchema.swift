import Foundation

/// The subset of JSON Schema that constrained generation enforces while it generates.
///
/// Supported: `type` (object, array, string, number, integer, boolean, null, or a list of
/// them), `properties`, `required`, `additionalProperties` (false unless given as true or a
/// schema), `items`, `minItems`, `maxItems`, `enum`, `const`, `maxLength`, `minLength` and
/// `anyOf`/`oneOf` over types. Unknown keywords are an error naming them, so a schema never
/// silently promises more than the decoder enforces.
public indirect enum JSONSchema: Sendable, Equatable {
  /// Any JSON value.
  case any
  case object(properties: [(String, JSONSchema)], required: Set<String>, additional: JSONSchema?)
  case array(items: JSONSchema, minItems: Int, maxItems: Int?)
  case string(minLength: Int, maxLength: Int?)
  case number
  case integer
  case boolean
  case null
  /// One of these exact values (each the JSON text of the value).
  case enumeration([String])
  /// Any of these schemas.
  case anyOf([JSONSchema])

  public static func == (a: JSONSchema, b: JSONSchema) -> Bool {
    switch (a, b) {
    case (.any, .any), (.number, .number), (.integer, .integer), (.boolean, .boolean), (.null, .null):
      return true
    case let (.object(p1, r1, a1), .object(p2, r2, a2)):
      return p1.map(\.0) == p2.map(\.0) && zip(p1, p2).allSatisfy { $0.1 == $1.1 } && r1 == r2 && a1 == a2
    case let (.array(i1, n1, x1), .array(i2, n2, x2)): return i1 == i2 && n1 == n2 && x1 == x2
    case let (.string(n1, x1), .string(n2, x2)): return n1 == n2 && x1 == x2
    case let (.enumeration(e1), .enumeration(e2)): return e1 == e2
    case let (.anyOf(s1), .anyOf(s2)): return s1 == s2
    default: return false
    }
  }
}

/// A schema that cannot be used, with the JSON path of the offending part.
public struct JSONSchemaError: Error, Sendable, CustomStringConvertible, Equatable {
  public var path: String
  public var message: String
  public var description: String { "JSON schema \(path): \(message)" }

  public init(path: String, message: String) {
    self.path = path
    self.message = message
  }
}

extension JSONSchema {
  static let knownKeywords: Set<String> = [
    "type", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "enum", "const", "maxLength", "minLength", "anyOf", "oneOf", "title", "description",
    "$schema", "$id", "default", "examples",
  ]

  /// Parses a schema from JSON text.
  public init(json: String) throws {
    guard let data = json.data(using: .utf8),
      let object = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
    else { throw JSONSchemaError(path: "$", message: "is not valid JSON") }
    try self.init(object: object, path: "$")
  }

  init(object: Any, path: String) throws {
    if let flag = object as? Bool, flag == true { self = .any; return }
    guard let schema = object as? [String: Any] else {
      throw JSONSchemaError(path: path, message: "must be an object")
    }
    if let unknown = schema.keys.sorted().first(where: { !Self.knownKeywords.contains($0) }) {
      throw JSONSchemaError(path: path, message: "keyword '\(unknown)' is not supported")
    }
    if let value = schema["const"] {
      self = .enumeration([try Self.jsonText(value, path: path + ".const")])
      return
    }
    if let values = schema["enum"] {
      guard let list = values as? [Any], !list.isEmpty else {
        throw JSONSchemaError(path: path + ".enum", message: "must be a non-empty array")
      }
      self = .enumeration(try list.map { try Self.jsonText($0, path: path + ".enum") })
      return
    }
    if let options = schema["anyOf"] ?? schema["oneOf"] {
      guard let list = options as? [Any], !list.isEmpty else {
        throw JSONSchemaError(path: path + ".anyOf", message: "must be a non-empty array")
      }
      self = .anyOf(try list.enumerated().map { try JSONSchema(object: $1, path: "\(path).anyOf[\($0)]") })
      return
    }
    guard let type = schema["type"] else {
      self = schema["properties"] != nil ? try Self.object(schema, path: path) : .any
      return
    }
    if let types = type as? [String] {
      var copy = schema
      self = .anyOf(
        try types.map { t in
          copy["type"] = t
          return try JSONSchema(object: copy, path: path)
        })
      return
    }
    switch type as? String {
    case "object": self = try Self.object(schema, path: path)
    case "array":
      let items = try schema["items"].map { try JSONSchema(object: $0, path: path + ".items") } ?? .any
      let minItems = try Self.count(schema["minItems"], path: path + ".minItems") ?? 0
      let maxItems = try Self.count(schema["maxItems"], path: path + ".maxItems")
      if let maxItems, maxItems < minItems {
        throw JSONSchemaError(path: path, message: "maxItems is below minItems")
      }
      self = .array(items: items, minItems: minItems, maxItems: maxItems)
    case "string":
      let minLength = try Self.count(schema["minLength"], path: path + ".minLength") ?? 0
      let maxLength = try Self.count(schema["maxLength"], path: path + ".maxLength")
      if let maxLength, maxLength < minLength {
        throw JSONSchemaError(path: path, message: "maxLength is below minLength")
      }
      self = .string(minLength: minLength, maxLength: maxLength)
    case "number": self = .number
    case "integer": self = .integer
    case "boolean": self = .boolean
    case "null": self = .null
    default: throw JSONSchemaError(path: path + ".type", message: "unknown type \(type)")
    }
  }

  private static func object(_ schema: [String: Any], path: String) throws -> JSONSchema {
    let properties = schema["properties"] as? [String: Any] ?? [:]
    if schema["properties"] != nil && schema["properties"] as? [String: Any] == nil {
      throw JSONSchemaError(path: path + ".properties", message: "must be an object")
    }
    let parsed = try properties.keys.sorted().map { key in
      (key, try JSONSchema(object: properties[key]!, path: "\(path).properties.\(key)"))
    }
    let required = Set(schema["required"] as? [String] ?? [])
    if let missing = required.sorted().first(where: { properties[$0] == nil }) {
      throw JSONSchemaError(path: path + ".required", message: "'\(missing)' is not in properties")
    }
    var additional: JSONSchema?
    switch schema["additionalProperties"] {
    case nil: additional = properties.isEmpty ? .any : nil
    case let flag as Bool: additional = flag ? .any : nil
    case let sub?: additional = try JSONSchema(object: sub, path: path + ".additionalProperties")
    }
    return .object(properties: parsed, required: required, additional: additional)
  }

  private static func count(_ value: Any?, path: String) throws -> Int? {
    guard let value else { return nil }
    guard let n = value as? Int, n >= 0 else {
      throw JSONSchemaError(path: path, message: "must be a non-negative integer")
    }
    return n
  }

  /// The compact JSON text of a value.
  static func jsonText(_ value: Any, path: String) throws -> String {
    guard
      let data = try? JSONSerialization.data(
        withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys, .withoutEscapingSlashes])
    else { throw JSONSchemaError(path: path, message: "holds a value that is not JSON") }
    return String(decoding: data, as: UTF8.self)
  }
}
