import Foundation
import Synchronization

/// Ends an answer when it starts repeating itself.
///
/// Greedy decoding of a small model often falls into a loop: the same sentence again and
/// again. Text is released sentence by sentence; a sentence (of 12 letters or more) that
/// already appeared stops the generation, and neither it nor anything after it is kept or
/// streamed. Loops that never repeat a whole sentence are left to the output guardrail.
final class RepetitionStop: Sendable {
  private struct State {
    var pending = ""
    var released = ""
    var seen: Set<String> = []
    var stopped = false
  }
  private let state = Mutex(State())
  private let forward: (@Sendable (String) -> Void)?

  init(forward: (@Sendable (String) -> Void)?) { self.forward = forward }

  /// Takes the next piece of generated text; returns false once the answer repeats.
  func take(_ piece: String) -> Bool {
    let (release, goOn): (String, Bool) = state.withLock { s in
      guard !s.stopped else { return ("", false) }
      s.pending += piece
      var out = ""
      while let end = s.pending.firstIndex(where: { ".!?\n".contains($0) }) {
        let sentence = String(s.pending[...end])
        let key = sentence.lowercased().filter { $0.isLetter || $0.isNumber }
        if key.count >= 12, !s.seen.insert(key).inserted {
          s.stopped = true
          s.pending = ""
          s.released += out
          return (out, false)
        }
        out += sentence
        s.pending.removeSubrange(...end)
      }
      s.released += out
      return (out, true)
    }
    if !release.isEmpty { forward?(release) }
    return goOn
  }

  /// Releases what is held back once generation has ended; returns the whole kept answer.
  func finish() -> String {
    let (rest, all): (String, String) = state.withLock { s in
      let rest = s.stopped ? "" : s.pending
      s.released += rest
      s.pending = ""
      return (rest, s.released)
    }
    if !rest.isEmpty { forward?(rest) }
    return all
  }

  var stopped: Bool { state.withLock { $0.stopped } }
}
