import Foundation
import Synchronization
import TwinCore

/// A language model that answers from a script: unit tests only. `reply` maps a request to the
/// completion (or throws); it also records how many calls were in flight at once.
final class ScriptedLanguageModel: LanguageModelClient {
  let modelID: String
  private let reply: @Sendable (CompletionRequest, Int) throws -> Completion
  private let state = Mutex(State())
  private let delay: Duration

  struct State {
    var calls = 0
    var inFlight = 0
    var maxInFlight = 0
    var requests: [CompletionRequest] = []
  }

  /// `reply(request, callNumber)`; `delay` keeps each call in flight for a while, so
  /// concurrency can be observed.
  init(
    _ modelID: String = "scripted", delay: Duration = .zero,
    reply: @escaping @Sendable (CompletionRequest, Int) throws -> Completion
  ) {
    self.modelID = modelID
    self.delay = delay
    self.reply = reply
  }

  var calls: Int { state.withLock { $0.calls } }
  var maxInFlight: Int { state.withLock { $0.maxInFlight } }
  var requests: [CompletionRequest] { state.withLock { $0.requests } }

  func complete(_ request: CompletionRequest, onText: (@Sendable (String) -> Bool)?) async throws -> Completion {
    let number = state.withLock {
      $0.calls += 1
      $0.inFlight += 1
      $0.maxInFlight = max($0.maxInFlight, $0.inFlight)
      $0.requests.append(request)
      return $0.calls
    }
    defer { state.withLock { $0.inFlight -= 1 } }
    if delay > .zero { try await Task.sleep(for: delay) }
    return try reply(request, number)
  }

}

extension Completion {
  /// A finished completion of `text`.
  static func text(_ text: String, finish: Completion.FinishReason = .stop) -> Completion {
    Completion(text: text, finishReason: finish, promptTokens: 100, completionTokens: 20, model: "scripted")
  }

  /// `{"instruction": …}` as a completion.
  static func instruction(_ text: String) -> Completion {
    let data = try! JSONEncoder().encode(["instruction": text])
    return .text(String(decoding: data, as: UTF8.self))
  }
}

/// The passage in a back-translation prompt's user turn (between the triple quotes).
func passage(in request: CompletionRequest) -> String {
  let user = request.messages.last?.content ?? ""
  guard let start = user.range(of: "\"\"\"\n"), let end = user.range(of: "\n\"\"\"", range: start.upperBound..<user.endIndex)
  else { return "" }
  return String(user[start.upperBound..<end.lowerBound])
}

/// An embedder of bag-of-letters vectors: texts with the same letters embed alike. Unit tests only.
struct LetterEmbedder: TextEmbedder {
  var modelID = "letters"
  var dimension = 26
  var maxContentTokens = 512
  func tokenCount(_ text: String) -> Int { text.split(separator: " ").count }
  func embed(_ texts: [String]) async throws -> [[Float]] {
    texts.map { text in
      var v = [Float](repeating: 0, count: 26)
      for scalar in text.lowercased().unicodeScalars where ("a"..."z").contains(scalar) {
        v[Int(scalar.value - 97)] += 1
      }
      let norm = v.map { $0 * $0 }.reduce(0, +).squareRoot()
      return norm > 0 ? v.map { $0 / norm } : v
    }
  }
}

/// An embedder that gives every distinct text its own one-hot vector (by a stable hash): no two
/// texts are near duplicates. Unit tests only.
struct DistinctEmbedder: TextEmbedder {
  var modelID = "distinct"
  var dimension = 4096
  var maxContentTokens = 512
  func tokenCount(_ text: String) -> Int { text.split(separator: " ").count }
  func embed(_ texts: [String]) async throws -> [[Float]] {
    texts.map { text in
      var v = [Float](repeating: 0, count: dimension)
      let hash = text.unicodeScalars.reduce(UInt64(1469598103934665603)) { ($0 ^ UInt64($1.value)) &* 1099511628211 }
      v[Int(hash % UInt64(dimension))] = 1
      return v
    }
  }
}
