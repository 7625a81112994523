/// A conjunction of payload conditions: every condition must hold.
///
/// Conditions compare top-level scalar payload values (strings, integers, booleans), which is
/// what retrieval filters on: `author_id`, `platform`, `category`, `document_id`.
public struct PayloadFilter: Sendable, Hashable, Codable {
  /// One test on one payload key.
  public enum Condition: Sendable, Hashable, Codable {
    /// The value under `key` equals `value`.
    case equals(key: String, value: JSONValue)
    /// The value under `key` is one of `values`.
    case isIn(key: String, values: [JSONValue])

    public var key: String {
      switch self {
      case .equals(let key, _), .isIn(let key, _): key
      }
    }

    /// The values this condition accepts.
    public var accepted: [JSONValue] {
      switch self {
      case .equals(_, let value): [value]
      case .isIn(_, let values): values
      }
    }
  }

  public var conditions: [Condition]

  public init(_ conditions: [Condition] = []) { self.conditions = conditions }

  /// Points whose `key` equals `value`.
  public static func equals(_ key: String, _ value: String) -> PayloadFilter {
    PayloadFilter([.equals(key: key, value: .string(value))])
  }

  /// Adds a condition.
  public func and(_ condition: Condition) -> PayloadFilter {
    PayloadFilter(conditions + [condition])
  }

  public var isEmpty: Bool { conditions.isEmpty }

  /// Whether `payload` satisfies every condition.
  public func matches(_ payload: [String: JSONValue]) -> Bool {
    conditions.allSatisfy { condition in
      guard let value = payload[condition.key] else { return false }
      return condition.accepted.contains(value)
    }
  }
}
