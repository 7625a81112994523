import Foundation
import TwinCore

/// A typed payload of a feature-store collection: stored as the point's JSON object, read back
/// through `Codable`, so each collection's fields are declared once, in its payload type.
public protocol FeaturePayload: Codable, Sendable {
  /// The payload's keys, as stored; filters are built from them, never from string literals.
  associatedtype CodingKeys: CodingKey
}

extension FeaturePayload {
  /// The stored JSON object.
  public func jsonObject() throws -> [String: JSONValue] {
    guard case .object(let object) = try JSONValue.from(self) else {
      throw TwinError.storage("\(Self.self) did not encode as a JSON object")
    }
    return object
  }

  /// Reads `point`'s payload as this type.
  ///
  /// - Throws: ``TwinError/storage(_:)`` naming the point and what is missing or mistyped: a
  ///   point written by another version, or edited by hand.
  public init(_ point: VectorPoint) throws {
    do {
      let data = try JSONEncoder().encode(point.payload)
      self = try JSONDecoder().decode(Self.self, from: data)
    } catch let error as DecodingError {
      throw TwinError.storage("feature-store point \(point.id) is not a valid \(Self.self): \(Self.describe(error))")
    }
  }

  /// Points whose `key` is one of `values`.
  public static func filter(_ key: CodingKeys, isIn values: [String]) -> PayloadFilter {
    PayloadFilter([.isIn(key: key.stringValue, values: values.map(JSONValue.string))])
  }

  /// Points whose `key` equals `value`.
  public static func filter(_ key: CodingKeys, equals value: String) -> PayloadFilter {
    PayloadFilter([.equals(key: key.stringValue, value: .string(value))])
  }

  private static func describe(_ error: DecodingError) -> String {
    switch error {
    case .keyNotFound(let key, _): "no \(key.stringValue)"
    case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
      "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
    @unknown default: "\(error)"
    }
  }
}
