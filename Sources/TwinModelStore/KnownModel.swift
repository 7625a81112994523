/// A model Twin knows how to fetch: which PyPI packages carry it and which of their files make it.
///
/// Models travel as Python wheels because PyPI is the one registry every Twin machine reaches;
/// the wheels are only containers here, nothing in them is installed or run.
public struct KnownModel: Sendable, Hashable {
  /// The short name users type: `twin models pull minilm`.
  public var name: String
  public var summary: String
  public var kind: ModelKind
  /// The packages to download, in order.
  public var packages: [PackageRequirement]
  /// How the packages' files become the model directory.
  public var contents: [ModelContent]
  /// For single-file kinds, the file (relative to the model directory) that ``ResolvedModel``
  /// points at; nil when the model is the directory itself.
  public var primaryFile: String?
  /// Files the finished model directory must have; pulling fails (naming the file) otherwise,
  /// so a package whose layout changed is caught at pull time, not at first use.
  public var requiredFiles: [String]

  public init(
    name: String, summary: String, kind: ModelKind, packages: [PackageRequirement],
    contents: [ModelContent],
    primaryFile: String? = nil, requiredFiles: [String] = []
  ) {
    self.name = name
    self.summary = summary
    self.kind = kind
    self.packages = packages
    self.contents = contents
    self.primaryFile = primaryFile
    self.requiredFiles = requiredFiles
  }
}

/// A PyPI package pinned to a version, so every machine builds the same model.
public struct PackageRequirement: Sendable, Hashable {
  public var name: String
  public var version: String?

  public init(_ name: String, version: String? = nil) {
    self.name = name
    self.version = version
  }

  /// The requirement as pip takes it: `name==version`, or the bare name.
  public var pipRequirement: String { version.map { "\(name)==\($0)" } ?? name }
}

/// One file inside a package's wheel.
public struct WheelFile: Sendable, Hashable {
  /// The PyPI package name, as in ``KnownModel/packages``.
  public var package: String
  /// The path inside the wheel (as its RECORD lists it).
  public var path: String

  public init(package: String, path: String) {
    self.package = package
    self.path = path
  }
}

/// Where a model's files come from.
public enum ModelContent: Sendable, Hashable {
  /// Every file under the folder `path` (ending in `/`) of `package`'s wheel, at the same
  /// relative paths in the model directory.
  case folder(package: String, path: String)
  /// One wheel file, saved as `destination`.
  case file(WheelFile, destination: String)
  /// Wheel files joined in order into `destination`: a file too big for one package, split
  /// across several. The whole file is checked against `checksum` when there is one.
  case concatenation(parts: [WheelFile], destination: String, checksum: WholeFileChecksum?)
}

/// What a file joined from parts must hash to; each part is also checked against its wheel's
/// RECORD on the way.
public enum WholeFileChecksum: Sendable, Hashable {
  /// A `SHA256SUMS`-style file (`<hex>  <name>` lines) in a wheel, listing the whole file's hash
  /// under the destination's name.
  case listed(in: WheelFile)
  /// A hash and size written into the catalog, for packages that ship no checksum list.
  case known(sha256: String, size: Int64)
}
