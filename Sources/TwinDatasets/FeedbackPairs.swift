import Foundation
import TwinCore

/// Turns user feedback into preference pairs: the corrected answer is `chosen`, the traced
/// answer `rejected`, and the prompt is the question as the model saw it (the last user turn of
/// the trace's generation span, or the traced question).
public enum FeedbackPairs {
  /// One pair per feedback entry with a corrected answer that no dataset has used yet, and why
  /// the others were skipped.
  public static func pairs(
    feedback: [Feedback], used: Set<Int64>, trace: (String) async throws -> Trace?
  ) async throws -> (samples: [DatasetSample], skipped: [String]) {
    var samples: [DatasetSample] = []
    var skipped: [String] = []
    for entry in feedback {
      guard let id = entry.id, !used.contains(id) else { continue }
      guard let corrected = entry.correctedAnswer?.trimmingCharacters(in: .whitespacesAndNewlines), !corrected.isEmpty
      else { continue }
      guard let trace = try await trace(entry.traceID) else {
        skipped.append("feedback \(id): its trace \(entry.traceID) is gone")
        continue
      }
      guard let prompt = prompt(of: trace), let answer = answer(of: trace) else {
        skipped.append("feedback \(id): trace \(trace.id) has no question and answer")
        continue
      }
      guard SampleFilters.normalized(answer) != SampleFilters.normalized(corrected) else {
        skipped.append("feedback \(id): the correction equals the traced answer")
        continue
      }
      samples.append(
        DatasetSample(
          instruction: prompt, answer: corrected, rejected: answer, category: .articles, split: .train,
          source: SampleSource(feedbackID: id)))
    }
    return (samples, skipped)
  }

  /// The last user turn the generation step sent, or the traced question.
  static func prompt(of trace: Trace) -> String? {
    if let generation = trace.spans.last(where: { $0.name == "generation" }),
      case .array(let messages)? = generation.input.object?["messages"]
    {
      for message in messages.reversed() {
        if case .string("user")? = message.object?["role"], case .string(let content)? = message.object?["content"] {
          return content
        }
      }
    }
    if case .string(let question)? = trace.input.object?["question"] { return question }
    return nil
  }

  /// The traced answer.
  static func answer(of trace: Trace) -> String? {
    if case .string(let answer)? = trace.output.object?["answer"] { return answer }
    if case .string(let text) = trace.output { return text }
    return nil
  }
}

extension JSONValue {
  /// The object's entries, or nil for other values.
  var object: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }
}
