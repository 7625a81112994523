import TwinCore

/// The error for a `NAME@VERSION` that names nothing stored, shared by the dataset store and
/// the model registry: which versions the name has, or which names exist.
enum VersionNotFound {
  /// - Parameters:
  ///   - latest: The newest version of the reference's name, or nil when the name has none.
  ///   - names: The names that do exist (used when the name has no version).
  ///   - noneYet: The hint when nothing of this kind is stored at all.
  ///   - known: How the list of names is introduced ("known datasets").
  static func error(
    _ reference: VersionReference, kind: TwinError.Thing, latest: Int?, names: [String], noneYet: String, known: String
  ) -> TwinError {
    let hint: String
    if let latest {
      hint = "'\(reference.name)' has versions 1 to \(latest)"
    } else {
      hint = names.isEmpty ? noneYet : "\(known): \(names.joined(separator: ", "))"
    }
    return .notFound(kind: kind, name: reference.description, hint: hint)
  }
}
