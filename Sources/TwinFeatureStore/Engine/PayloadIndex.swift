import TwinCore

/// An inverted index of the short scalar payload values of a collection's live points, so a
/// filter becomes a set of slots without reading payloads back from disk.
///
/// Only top-level strings of at most ``maxIndexedLength`` characters, integers and booleans are
/// indexed: ids, platform, category and the like. Long text (a chunk) is never filtered on.
struct PayloadIndex: Sendable {
  static let maxIndexedLength = 256

  /// key → value → slots holding it.
  private var postings: [String: [JSONValue: Set<Int>]] = [:]

  /// The indexable part of a payload.
  static func indexedFields(_ payload: [String: JSONValue]) -> [String: JSONValue] {
    payload.filter { _, value in
      switch value {
      case .string(let s): s.count <= maxIndexedLength
      case .int, .bool: true
      default: false
      }
    }
  }

  mutating func insert(slot: Int, fields: [String: JSONValue]) {
    for (key, value) in fields { postings[key, default: [:]][value, default: []].insert(slot) }
  }

  mutating func remove(slot: Int, fields: [String: JSONValue]) {
    for (key, value) in fields {
      postings[key]?[value]?.remove(slot)
      if postings[key]?[value]?.isEmpty == true { postings[key]?[value] = nil }
    }
  }

  /// Slots satisfying every condition of `filter`.
  func slots(matching filter: PayloadFilter) -> Set<Int> {
    var result: Set<Int>?
    for condition in filter.conditions {
      var union = Set<Int>()
      for value in condition.accepted { union.formUnion(postings[condition.key]?[value] ?? []) }
      result = result.map { $0.intersection(union) } ?? union
      if result?.isEmpty == true { return [] }
    }
    return result ?? []
  }
}
