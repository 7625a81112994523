extension Settings {
  /// `configs/twin.example.yaml`: every setting of ``table`` at its default, nested by its
  /// dotted key, each with its help as a comment.
  public static var exampleYAML: String {
    var lines = [
      "# Every setting, at its default. Copy to ./twin.yaml (or point TWIN_SETTINGS at it) and keep",
      "# what you change. Every key can also be set in .env or the environment: crawl.max_redirects",
      "# is TWIN_CRAWL_MAX_REDIRECTS, workspace is TWIN_HOME, models_dir is TWIN_MODELS.",
      "# Precedence: this file < .env < environment < flags. Generated from the settings table",
      "# (Sources/TwinConfig/SettingsTable.swift); a test keeps the two in step.",
    ]
    let defaults = Settings()
    var open: [Substring] = []
    for setting in table {
      let path = setting.key.split(separator: ".")
      let parents = Array(path.dropLast())
      var shared = 0
      while shared < min(open.count, parents.count), open[shared] == parents[shared] { shared += 1 }
      for depth in shared..<parents.count {
        lines.append(String(repeating: "  ", count: depth) + parents[depth] + ":")
      }
      open = parents
      let value = setting.exampleValue ?? setting.render(defaults)
      let entry = String(repeating: "  ", count: parents.count) + "\(path.last!): \(value)"
      let padded = entry.count < 30 ? entry + String(repeating: " ", count: 30 - entry.count) : entry
      lines.append(padded + " # " + setting.help)
    }
    return lines.joined(separator: "\n") + "\n"
  }
}
