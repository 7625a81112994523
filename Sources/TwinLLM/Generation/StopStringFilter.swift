import Foundation

/// Watches generated text for stop strings, holding back any tail that could still become one
/// so that a stop string is never half-emitted.
struct StopStringFilter {
  let stops: [String]
  private var held = ""

  init(_ stops: [String]) { self.stops = stops.filter { !$0.isEmpty } }

  /// Adds `text`; returns what can be released now, and whether a stop string was found (the
  /// released text then ends just before it).
  mutating func add(_ text: String) -> (release: String, stopped: Bool) {
    held += text
    if let range = stops.compactMap({ held.range(of: $0) }).min(by: { $0.lowerBound < $1.lowerBound }) {
      let release = String(held[..<range.lowerBound])
      held = ""
      return (release, true)
    }
    // Keep the longest suffix of `held` that is a proper prefix of some stop string.
    var keep = 0
    for stop in stops {
      for length in stride(from: min(stop.count - 1, held.count), to: keep, by: -1)
      where held.hasSuffix(stop.prefix(length)) {
        keep = length
        break
      }
    }
    let cut = held.index(held.endIndex, offsetBy: -keep)
    let release = String(held[..<cut])
    held = String(held[cut...])
    return (release, false)
  }

  /// Releases whatever is held (at the end of generation).
  mutating func flush() -> String {
    defer { held = "" }
    return held
  }
}
