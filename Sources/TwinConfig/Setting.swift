import Foundation
import TwinCore

/// One setting: its YAML key, what it accepts, what it means, and where its value lands in
/// ``Settings``. The environment variable, validation and the example file's line are derived
/// from it; the table of them is ``Settings/table``.
public struct Setting: Sendable {
  /// The dotted YAML key, such as `crawl.max_redirects`.
  public let key: String
  /// One line for people: the example file's comment.
  public let help: String
  public let kind: Kind
  /// The environment variable (also the `.env` key).
  public let environmentName: String
  /// What the example file shows instead of the default (a path under the user's home).
  let exampleValue: String?
  /// Parses `raw` and stores it in the settings; `fail` builds the error naming the source.
  let store: @Sendable (_ raw: String, _ settings: inout Settings, _ fail: (String) -> TwinError) throws -> Void
  /// The value in `settings`, as YAML would spell it.
  let render: @Sendable (Settings) -> String

  /// The value's type and what it accepts.
  public enum Kind: Sendable {
    /// Text; `mayBeEmpty` when an empty string means "none".
    case text(mayBeEmpty: Bool)
    /// Text that is never echoed in an error (an API key).
    case secret
    case bool
    case integer(ClosedRange<Int>)
    case number(ClosedRange<Double>)
    /// One of a few words, case-insensitive, stored lower-cased.
    case choice([String])
  }

  init(
    _ key: String, _ kind: Kind, help: String, environmentName: String? = nil, exampleValue: String? = nil,
    store: @escaping @Sendable (String, inout Settings, (String) -> TwinError) throws -> Void,
    render: @escaping @Sendable (Settings) -> String
  ) {
    self.key = key
    self.kind = kind
    self.help = help
    self.environmentName = environmentName ?? "TWIN_" + key.uppercased().replacingOccurrences(of: ".", with: "_")
    self.exampleValue = exampleValue
    self.store = store
    self.render = render
  }

  /// A whole number in `range`.
  static func integer(
    _ key: String, _ path: WritableKeyPath<Settings, Int> & Sendable, _ range: ClosedRange<Int>, _ help: String
  ) -> Setting {
    Setting(
      key, .integer(range), help: help,
      store: { raw, settings, fail in
        guard let value = Int(raw.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
          throw fail("must be a whole number in \(range.lowerBound)...\(range.upperBound)")
        }
        settings[keyPath: path] = value
      }, render: { "\($0[keyPath: path])" })
  }

  /// A number in `range`.
  static func number(
    _ key: String, _ path: WritableKeyPath<Settings, Double> & Sendable, _ range: ClosedRange<Double>,
    _ help: String
  ) -> Setting {
    Setting(
      key, .number(range), help: help,
      store: { raw, settings, fail in
        guard let value = Double(raw.trimmingCharacters(in: .whitespaces)), range.contains(value) else {
          throw fail("must be a number in \(Self.yaml(range.lowerBound))...\(Self.yaml(range.upperBound))")
        }
        settings[keyPath: path] = value
      }, render: { Self.yaml($0[keyPath: path]) })
  }

  /// `true` or `false` (also 1/0, yes/no, on/off; empty is false).
  static func bool(_ key: String, _ path: WritableKeyPath<Settings, Bool> & Sendable, _ help: String) -> Setting {
    Setting(
      key, .bool, help: help,
      store: { raw, settings, fail in
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "1", "true", "yes", "on": settings[keyPath: path] = true
        case "0", "false", "no", "off", "": settings[keyPath: path] = false
        default: throw fail("must be true or false")
        }
      }, render: { "\($0[keyPath: path])" })
  }

  /// Text, trimmed of surrounding spaces unless `verbatim`.
  static func text(
    _ key: String, _ path: WritableKeyPath<Settings, String> & Sendable, mayBeEmpty: Bool = false,
    verbatim: Bool = false, environmentName: String? = nil, exampleValue: String? = nil, _ help: String
  ) -> Setting {
    Setting(
      key, .text(mayBeEmpty: mayBeEmpty), help: help, environmentName: environmentName, exampleValue: exampleValue,
      store: { raw, settings, fail in
        let value = verbatim ? raw : raw.trimmingCharacters(in: .whitespaces)
        guard mayBeEmpty || !value.isEmpty else { throw fail("must not be empty") }
        settings[keyPath: path] = value
      },
      // A URL setting may carry `user:password@`; listing settings must not print it.
      render: { Self.yaml(CredentialRedaction.redact($0[keyPath: path])) })
  }

  /// A secret: stored trimmed, never echoed (an error message would otherwise print it).
  static func secret(_ key: String, _ path: WritableKeyPath<Settings, String> & Sendable, _ help: String) -> Setting {
    Setting(
      key, .secret, help: help,
      store: { raw, settings, _ in settings[keyPath: path] = raw.trimmingCharacters(in: .whitespacesAndNewlines) },
      render: { $0[keyPath: path].isEmpty ? "\"\"" : "\"(set)\"" })
  }

  /// One of `options`, case-insensitive.
  static func choice(
    _ key: String, _ path: WritableKeyPath<Settings, String> & Sendable, _ options: [String], _ help: String
  ) -> Setting {
    Setting(
      key, .choice(options), help: help,
      store: { raw, settings, fail in
        let value = raw.trimmingCharacters(in: .whitespaces).lowercased()
        guard options.contains(value) else { throw fail("must be one of \(options.joined(separator: ", "))") }
        settings[keyPath: path] = value
      }, render: { $0[keyPath: path] })
  }

  /// Applies `raw` from `source` (a file and line, or a variable) to `settings`.
  ///
  /// - Throws: ``TwinError/configuration(_:)`` naming the source, the key, what it accepts and,
  ///   unless the setting is secret, the value given.
  public func apply(_ raw: String, to settings: inout Settings, source: String) throws {
    let shown = if case .secret = kind { "" } else { " (got '\(raw)')" }
    try store(raw, &settings) { why in .configuration("\(source): \(key) \(why)\(shown)") }
  }

  /// A YAML scalar: plain where that reads the same, double-quoted otherwise.
  static func yaml(_ text: String) -> String {
    let special = CharacterSet(charactersIn: ":#{}[],&*!|>'\"%@`\\")
    let plain =
      !text.isEmpty && text.rangeOfCharacter(from: special) == nil && text == text.trimmingCharacters(in: .whitespaces)
      && !["true", "false", "yes", "no", "on", "off", "null", "~"].contains(text.lowercased()) && Double(text) == nil
    guard !plain else { return text }
    return "\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
  }

  /// A number as people write it: `30`, not `30.0`.
  static func yaml(_ number: Double) -> String {
    number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
  }
}

extension Duration {
  /// The duration in seconds, for settings written in seconds.
  var settingSeconds: Double {
    Double(components.seconds) + Double(components.attoseconds) / 1e18
  }
}

extension Setting {
  /// What the setting accepts, for people: `0...20`, `true or false`, `local, openai`, `text`.
  public var accepts: String {
    switch kind {
    case .text(let mayBeEmpty): mayBeEmpty ? "text (may be empty)" : "text"
    case .secret: "secret"
    case .bool: "true or false"
    case .integer(let range): "\(range.lowerBound)...\(range.upperBound)"
    case .number(let range): "\(Self.yaml(range.lowerBound))...\(Self.yaml(range.upperBound))"
    case .choice(let options): options.joined(separator: ", ")
    }
  }

  /// The value in `settings`, as YAML spells it; a secret shows only whether it is set.
  public func value(in settings: Settings) -> String { render(settings) }
}
