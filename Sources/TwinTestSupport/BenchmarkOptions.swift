import Foundation

/// A benchmark's command line: `--name value` options and `--flag` switches, with `--help`
/// printing the usage and any mistake ending the process with a message that names it.
public struct BenchmarkOptions: Sendable {
  /// The values given, by option name (`--steps`).
  public private(set) var values: [String: String] = [:]
  /// The switches given.
  public private(set) var flags: Set<String> = []
  let usage: String

  /// Parses `arguments` (without the program name): `valueOptions` take a value, `flagOptions`
  /// do not; anything else is an error.
  public init(_ arguments: [String] = Array(CommandLine.arguments.dropFirst()), usage: String, valueOptions: Set<String>, flagOptions: Set<String> = []) {
    self.usage = usage
    var rest = arguments[...]
    while let argument = rest.popFirst() {
      if argument == "--help" || argument == "-h" {
        print(usage)
        exit(0)
      } else if flagOptions.contains(argument) {
        flags.insert(argument)
      } else if valueOptions.contains(argument) {
        guard let value = rest.popFirst() else { Self.fail("\(argument) needs a value\n\n\(usage)") }
        values[argument] = value
      } else {
        Self.fail("unknown argument '\(argument)'\n\n\(usage)")
      }
    }
  }

  /// The positive integer given for `name`, or `value`.
  public func count(_ name: String, default value: Int) -> Int {
    guard let text = values[name] else { return value }
    guard let n = Int(text), n > 0 else { Self.fail("\(name) takes a positive integer, not '\(text)'") }
    return n
  }

  /// The text given for `name`, or `value`.
  public func string(_ name: String, default value: String) -> String { values[name] ?? value }

  /// Prints `message` to standard error and exits with status 1.
  public static func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data((message + "\n").utf8))
    exit(1)
  }

  /// This process's peak resident memory (`VmHWM`), in bytes, or nil where /proc is missing.
  public static func peakResidentBytes() -> Int? {
    guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
      let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
      let kb = Int(line.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "")
    else { return nil }
    return kb * 1024
  }
}
