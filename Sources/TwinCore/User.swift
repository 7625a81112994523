import Foundation

/// A person whose writing Twin learns from.
///
/// Users are identified by their full name when crawling (get-or-create), and by `id` everywhere
/// else. The full name is split the way the Handbook splits it: the last word is the last name and
/// everything before it the first name, so "Maxime Labonne" round-trips through its export format.
public struct User: Sendable, Hashable, Codable {
  public var id: UUID
  public var firstName: String
  public var lastName: String

  public init(id: UUID = UUID(), firstName: String, lastName: String) {
    self.id = id
    self.firstName = firstName
    self.lastName = lastName
  }

  /// Creates a user from a full name such as `"Paul Iusztin"`.
  ///
  /// - Throws: ``TwinError/invalidInput(_:)`` when the name is empty after trimming.
  public init(id: UUID = UUID(), fullName: String) throws {
    let (first, last) = try User.split(fullName: fullName)
    self.init(id: id, firstName: first, lastName: last)
  }

  /// `firstName lastName`, or whichever part is non-empty.
  public var fullName: String {
    [firstName, lastName].filter { !$0.isEmpty }.joined(separator: " ")
  }

  /// Splits a full name into (first, last), normalising internal whitespace.
  public static func split(fullName: String) throws -> (first: String, last: String) {
    let words = fullName.split(whereSeparator: { $0.isWhitespace }).map(String.init)
    guard let last = words.last else {
      throw TwinError.invalidInput("a user's full name must not be empty")
    }
    if words.count == 1 { return (last, "") }
    return (words.dropLast().joined(separator: " "), last)
  }

  /// The canonical form of a full name, used as the lookup key (whitespace folded).
  public static func normalizedFullName(_ name: String) -> String {
    name.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
  }
}
