import Foundation

/// A JSON value, for metadata and configuration whose shape is open.
public enum JSONValue: Sendable, Hashable, Codable, CustomStringConvertible {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])

  public init(from decoder: any Decoder) throws {
    let c = try decoder.singleValueContainer()
    if c.decodeNil() {
      self = .null
    } else if let b = try? c.decode(Bool.self) {
      self = .bool(b)
    } else if let i = try? c.decode(Int.self) {
      self = .int(i)
    } else if let d = try? c.decode(Double.self) {
      self = .double(d)
    } else if let s = try? c.decode(String.self) {
      self = .string(s)
    } else if let a = try? c.decode([JSONValue].self) {
      self = .array(a)
    } else {
      self = .object(try c.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    switch self {
    case .null: try c.encodeNil()
    case .bool(let b): try c.encode(b)
    case .int(let i): try c.encode(i)
    case .double(let d): try c.encode(d)
    case .string(let s): try c.encode(s)
    case .array(let a): try c.encode(a)
    case .object(let o): try c.encode(o)
    }
  }

  /// Compact JSON text with sorted keys: stable, so it can be hashed.
  public var canonicalJSON: String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    // Encoding a JSONValue cannot fail: every case maps to a JSON value.
    return (try? String(decoding: encoder.encode(self), as: UTF8.self)) ?? "null"
  }

  public var description: String { canonicalJSON }

  /// Converts any `Encodable` value to a `JSONValue` via JSON.
  public static func from(_ value: some Encodable) throws -> JSONValue {
    let data = try JSONEncoder().encode(value)
    return try JSONDecoder().decode(JSONValue.self, from: data)
  }

  public subscript(key: String) -> JSONValue? {
    if case .object(let o) = self { return o[key] }
    return nil
  }

  public var intValue: Int? {
    if case .int(let i) = self { return i }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// The leaves of nested objects under dotted keys (`settings.lora.rank` → `32`), sorted by
  /// key; strings bare, other values as JSON. Parameters compared side by side, or sent to a
  /// tracker that takes flat string parameters, read this way.
  public var flattened: [(key: String, value: String)] {
    var leaves: [(key: String, value: String)] = []
    func walk(_ value: JSONValue, _ prefix: String) {
      switch value {
      case .object(let object) where !object.isEmpty:
        for (key, child) in object { walk(child, prefix.isEmpty ? key : "\(prefix).\(key)") }
      case .string(let s): leaves.append((prefix, s))
      default: leaves.append((prefix, value.canonicalJSON))
      }
    }
    walk(self, "")
    return leaves.sorted { $0.key < $1.key }
  }
}

/// Literals, so JSON values (schemas, trace attributes) read as JSON in code.
extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByFloatLiteral,
  ExpressibleByBooleanLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
  public init(floatLiteral value: Double) { self = .double(value) }
  public init(stringLiteral value: String) { self = .string(value) }
  public init(integerLiteral value: Int) { self = .int(value) }
  public init(booleanLiteral value: Bool) { self = .bool(value) }
  public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
  public init(dictionaryLiteral elements: (String, JSONValue)...) {
    self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
  }
}

extension JSONValue {
  /// The value as Python's `json.dumps(value, ensure_ascii=False, sort_keys=True)` writes it,
  /// with `", "` and `": "` between items: the form a chat template's `tojson` filter renders
  /// tools and arguments in, so a prompt reads as the model saw in training. (Keys are sorted:
  /// a `JSONValue` object keeps no order.)
  public var pythonJSON: String {
    var out = ""
    write(into: &out)
    return out
  }

  private func write(into out: inout String) {
    switch self {
    case .null: out += "null"
    case .bool(let b): out += b ? "true" : "false"
    case .int(let i): out += String(i)
    case .double(let d):
      if d.isNaN { out += "NaN" } else if d.isInfinite { out += d < 0 ? "-Infinity" : "Infinity" } else if d == d.rounded(), abs(d) < 1e16 {
        out += String(format: "%.1f", d)
      } else {
        out += "\(d)"
      }
    case .string(let s): Self.writeString(s, into: &out)
    case .array(let items):
      out += "["
      for (i, item) in items.enumerated() {
        if i > 0 { out += ", " }
        item.write(into: &out)
      }
      out += "]"
    case .object(let object):
      out += "{"
      for (i, key) in object.keys.sorted().enumerated() {
        if i > 0 { out += ", " }
        Self.writeString(key, into: &out)
        out += ": "
        object[key]!.write(into: &out)
      }
      out += "}"
    }
  }

  private static func writeString(_ s: String, into out: inout String) {
    out += "\""
    for scalar in s.unicodeScalars {
      switch scalar {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      case "\u{08}": out += "\\b"
      case "\u{0C}": out += "\\f"
      case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
      default: out.unicodeScalars.append(scalar)
      }
    }
    out += "\""
  }
}

extension JSONValue {
  /// The value of a JSON text.
  public static func parse(_ text: String) throws -> JSONValue {
    try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
  }
}
