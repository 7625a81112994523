// Benchmark: Twin's HTML → Markdown extraction against html2text, the Python converter the LLM
// Engineer's Handbook uses, on the same pages.
//
//   twin-bench-html [--pages DIR] [--repeat N] [--python python3]
//
// Without --pages, make_pages.py (beside this file) generates the pages into a temporary
// directory. Both sides load every page first and time only the conversion loop, single-threaded.

import Foundation
import TwinCrawlers

/// The command line.
struct Options {
  var pagesDirectory: String?
  var repeats = 3
  var python = "python3"

  init(_ arguments: [String]) throws {
    var rest = arguments[...]
    while let flag = rest.popFirst() {
      guard let value = rest.popFirst() else { throw BenchError("\(flag) needs a value") }
      switch flag {
      case "--pages": pagesDirectory = value
      case "--repeat":
        guard let count = Int(value), count > 0 else {
          throw BenchError("--repeat needs a positive number")
        }
        repeats = count
      case "--python": python = value
      default:
        throw BenchError(
          "unknown option \(flag); usage: [--pages DIR] [--repeat N] [--python python3]")
      }
    }
  }
}

struct BenchError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// What html2text_baseline.py prints.
struct BaselineResult: Decodable {
  let pages: Int
  let seconds: Double
}

/// The directory holding this file (and the Python scripts).
let scriptsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()

/// Runs `executable` with `arguments`, returning its standard output; throws on a non-zero exit.
func run(_ executable: String, _ arguments: [String]) throws -> String {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
  process.arguments = [executable] + arguments
  let output = Pipe()
  process.standardOutput = output
  try process.run()
  let data = output.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  guard process.terminationStatus == 0 else {
    throw BenchError(
      "\(executable) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus)")
  }
  return String(decoding: data, as: UTF8.self)
}

/// Loads every *.html file in `directory`, sorted by name.
func loadPages(_ directory: String) throws -> [(name: String, bytes: [UInt8])] {
  let names = try FileManager.default.contentsOfDirectory(atPath: directory)
    .filter { $0.hasSuffix(".html") }.sorted()
  return try names.map { name in
    (
      name,
      [UInt8](try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name)))
    )
  }
}

/// Extracts every page `repeats` times; returns the elapsed seconds and the Markdown produced.
func runTwin(_ pages: [(name: String, bytes: [UInt8])], repeats: Int) throws -> (
  seconds: Double, outputBytes: Int
) {
  var outputBytes = 0
  let clock = ContinuousClock()
  let elapsed = try clock.measure {
    for _ in 0..<repeats {
      for page in pages {
        let url = "https://blog.example.com/posts/\(page.name)"
        let document = try HTMLDocument(bytes: page.bytes, url: url, encoding: nil)
        let article = ArticleExtractor.extract(document, baseURL: url)
        outputBytes += article.markdown.utf8.count + (article.title?.utf8.count ?? 0)
      }
    }
  }
  let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
  return (seconds, outputBytes / repeats)
}

func pad(_ text: String, _ width: Int) -> String {
  String(repeating: " ", count: max(0, width - text.count)) + text
}

func main() throws -> Int32 {
  let options = try Options(Array(CommandLine.arguments.dropFirst()))

  // html2text must be importable before anything is timed.
  do {
    _ = try run(options.python, ["-c", "import html2text"])
  } catch {
    print(
      "html2text is not installed for \(options.python). Install it with: pip install html2text")
    return 2
  }

  let directory: String
  var generatedDirectory: String?
  defer {
    // Generated pages are only for this run; pages given with --pages are the caller's.
    if let generatedDirectory { try? FileManager.default.removeItem(atPath: generatedDirectory) }
  }
  if let given = options.pagesDirectory {
    directory = given
  } else {
    directory =
      FileManager.default.temporaryDirectory.appendingPathComponent("twin-bench-pages-\(getpid())")
      .path
    generatedDirectory = directory
    print(
      try run(
        options.python, [scriptsDirectory.appendingPathComponent("make_pages.py").path, directory]),
      terminator: "")
  }

  let pages = try loadPages(directory)
  guard !pages.isEmpty else { throw BenchError("no .html pages in \(directory)") }
  let megabytes = Double(pages.reduce(0) { $0 + $1.bytes.count }) / 1_000_000

  let twin = try runTwin(pages, repeats: options.repeats)
  let baselineOutput = try run(
    options.python,
    [
      scriptsDirectory.appendingPathComponent("html2text_baseline.py").path, directory, "--repeat",
      String(options.repeats),
    ])
  guard let line = baselineOutput.split(separator: "\n").last,
    let baseline = try? JSONDecoder().decode(BaselineResult.self, from: Data(line.utf8))
  else { throw BenchError("unexpected output from html2text_baseline.py: \(baselineOutput)") }

  let twinPages = pages.count * options.repeats
  let twinRate = Double(twinPages) / twin.seconds
  let baselineRate = Double(baseline.pages) / baseline.seconds
  let ratio = twinRate / baselineRate

  print(
    "HTML → Markdown on \(pages.count) pages, \(String(format: "%.1f", megabytes)) MB input, \(options.repeats) repeats (\(directory))"
  )
  print(pad("", 10) + pad("pages", 8) + pad("seconds", 11) + pad("pages/s", 11) + pad("MB/s", 9))
  for (name, count, seconds, rate) in [
    ("Twin", twinPages, twin.seconds, twinRate),
    ("html2text", baseline.pages, baseline.seconds, baselineRate),
  ] {
    let throughput = megabytes * Double(options.repeats) / seconds
    print(
      name.padding(toLength: 10, withPad: " ", startingAt: 0) + pad(String(count), 8)
        + pad(String(format: "%.3f", seconds), 11) + pad(String(format: "%.1f", rate), 11)
        + pad(String(format: "%.1f", throughput), 9))
  }
  print("Twin / html2text: \(String(format: "%.1f", ratio))× (goal ≥ 5×)")
  return 0
}

do {
  exit(try main())
} catch {
  print("twin-bench-html: \(error)")
  exit(1)
}
