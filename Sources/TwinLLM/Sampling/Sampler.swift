import TwinCore
import Foundation

/// Picks next tokens from logits under ``SamplingParameters``, remembering recent tokens for the
/// penalties and keeping its own seeded generator so a run is reproducible.
public struct Sampler: Sendable {
  public let parameters: SamplingParameters
  private var random: RandomSource
  private var recent: [Int32] = []

  public init(_ parameters: SamplingParameters) {
    self.parameters = parameters
    random = RandomSource(seed: parameters.seed)
  }

  /// Records tokens already in the context (the prompt) so penalties see them.
  public mutating func observe(_ tokens: [Int32]) {
    recent += tokens
    trim()
  }

  /// Chooses the next token from `logits` (modified in place by the penalties), and records it.
  ///
  /// - Parameter allowed: When given, only these tokens may be chosen (constrained decoding).
  public mutating func sample(_ logits: inout [Float], allowed: Set<Int32>? = nil) -> Int32 {
    applyPenalties(&logits)
    if let allowed {
      for i in logits.indices where !allowed.contains(Int32(i)) { logits[i] = -.infinity }
    }
    let token = parameters.temperature <= 0 ? Self.argmax(logits) : draw(logits)
    recent.append(token)
    trim()
    return token
  }

  /// The index of the largest logit (the lowest index on ties): greedy decoding.
  public static func argmax(_ logits: [Float]) -> Int32 {
    var best = 0
    for i in 1..<logits.count where logits[i] > logits[best] { best = i }
    return Int32(best)
  }

  private mutating func trim() {
    let window = parameters.penaltyWindow
    if recent.count > max(window, 0) { recent.removeFirst(recent.count - max(window, 0)) }
  }

  private func applyPenalties(_ logits: inout [Float]) {
    let p = parameters
    guard p.repetitionPenalty != 1 || p.presencePenalty != 0 || p.frequencyPenalty != 0, !recent.isEmpty else { return }
    var counts: [Int32: Int] = [:]
    for t in recent { counts[t, default: 0] += 1 }
    for (token, count) in counts where token >= 0 && Int(token) < logits.count {
      var l = logits[Int(token)]
      if p.repetitionPenalty != 1 { l = l > 0 ? l / p.repetitionPenalty : l * p.repetitionPenalty }
      l -= Float(count) * p.frequencyPenalty + p.presencePenalty
      logits[Int(token)] = l
    }
  }

  /// top-k → top-p → min-p → temperature → draw.
  private mutating func draw(_ logits: [Float]) -> Int32 {
    let p = parameters
    var candidates = logits.indices.filter { logits[$0] > -.infinity }
    guard !candidates.isEmpty else { return Self.argmax(logits) }
    candidates.sort { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }
    if p.topK > 0, candidates.count > p.topK { candidates.removeLast(candidates.count - p.topK) }
    // Probabilities at temperature 1 decide the top-p and min-p cut, as in llama.cpp.
    let maxLogit = logits[candidates[0]]
    var probs = candidates.map { Double(exp(logits[$0] - maxLogit)) }
    let total = probs.reduce(0, +)
    probs = probs.map { $0 / total }
    if p.topP < 1 {
      var cumulative = 0.0
      var keep = candidates.count
      for (i, q) in probs.enumerated() {
        cumulative += q
        if cumulative >= Double(p.topP) {
          keep = i + 1
          break
        }
      }
      candidates.removeLast(candidates.count - keep)
      probs.removeLast(probs.count - keep)
    }
    if p.minP > 0 {
      let threshold = probs[0] * Double(p.minP)
      let keep = max(1, probs.prefix { $0 >= threshold }.count)
      candidates.removeLast(candidates.count - keep)
      probs.removeLast(probs.count - keep)
    }
    let weights = candidates.map { Double(exp((logits[$0] - maxLogit) / p.temperature)) }
    let sum = weights.reduce(0, +)
    var target = random.unit() * sum
    for (candidate, w) in zip(candidates, weights) {
      target -= w
      if target < 0 { return Int32(candidate) }
    }
    return Int32(candidates[candidates.count - 1])
  }

  /// `log softmax(logits)`: each token's log-probability at temperature 1.
  public static func logSoftmax(_ logits: [Float]) -> [Float] {
    guard let maxLogit = logits.max(), maxLogit.isFinite else { return logits }
    var sum = 0.0
    for l in logits { sum += Double(exp(l - maxLogit)) }
    let logZ = Float(log(sum)) + maxLogit
    return logits.map { $0 - logZ }
  }

  /// Log-probabilities of the `count` most likely tokens under `logits` (softmax at temperature
  /// 1), best first: the `top_logprobs` of the OpenAI API.
  public static func topLogProbabilities(_ logits: [Float], count: Int) -> [(token: Int32, logprob: Float)] {
    guard count > 0, let maxLogit = logits.max() else { return [] }
    var sum = 0.0
    for l in logits { sum += Double(exp(l - maxLogit)) }
    let logZ = Float(log(sum)) + maxLogit
    let best = logits.indices.sorted { logits[$0] > logits[$1] || (logits[$0] == logits[$1] && $0 < $1) }.prefix(count)
    return best.map { (Int32($0), logits[$0] - logZ) }
  }
}
