import Foundation

/// One known model's state in the cache, for `twin models list`.
public struct ModelStatus: Sendable, Hashable, Encodable {
  public var name: String
  public var summary: String
  public var kind: ModelKind
  /// The PyPI packages it comes from, as pip requirements.
  public var packages: [String]
  public var pulled: Bool
  /// Total size of its files in bytes, when pulled.
  public var size: Int64?
  /// The model directory (where it is or would be).
  public var path: String
  public var pulledAt: Date?
  /// Why a present model is unusable (e.g. an unreadable manifest); nil when fine.
  public var problem: String?
}
