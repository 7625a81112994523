/// Which paths in a repository are the author's own text worth learning from.
///
/// Vendored dependencies, build output and lock files are large, machine-made or someone else's
/// writing; including them would drown the author's code in noise.
enum RepositoryFileRules {
  /// Directory names skipped wherever they appear: version control, dependencies, build output,
  /// caches and editor state.
  static let skippedDirectories: Set<String> = [
    ".git", ".hg", ".svn",
    "node_modules", "bower_components", "vendor", "third_party", "Pods", "Carthage",
    ".build", "build", "dist", "target", "DerivedData", ".swiftpm", ".gradle",
    "__pycache__", ".venv", "venv", ".tox", ".eggs", ".mypy_cache", ".pytest_cache",
    ".ruff_cache", ".next", ".nuxt", ".terraform", ".idea",
  ]

  /// Dependency lock files, by exact name. Any `*.lock` file is skipped as well.
  static let lockFiles: Set<String> = [
    "Package.resolved", "Cartfile.resolved", "package-lock.json", "npm-shrinkwrap.json",
    "pnpm-lock.yaml", "go.sum", "packages.lock.json", "gradle.lockfile", "bun.lockb",
  ]

  /// Whether a directory called `name` is skipped with everything in it.
  static func skipsDirectory(named name: String) -> Bool {
    skippedDirectories.contains(name) || name.hasSuffix(".egg-info")
  }

  /// Whether a file called `name` is a lock file (`yarn.lock`, `Cargo.lock`, `go.sum`, …).
  static func isLockFile(named name: String) -> Bool {
    lockFiles.contains(name) || name.hasSuffix(".lock")
  }
}
