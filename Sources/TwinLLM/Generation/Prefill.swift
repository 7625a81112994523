/// Running a prompt through the model before the first token is picked, in chunks.
///
/// A forward pass cannot be interrupted, and a long prompt on a large model takes tens of
/// seconds on a CPU: run whole, it would hold a cancelled generation (a client gone, a server
/// stopping with a job to put back) for all that time. Run in chunks, a stop is noticed
/// within one chunk. A position's keys and values depend only on the tokens up to it, so the
/// chunks fill the cache as one pass would; both ``TextGenerator`` and ``ContinuousBatcher``
/// prefill here, so a generation alone and one in a batch stay the same computation.
enum Prefill {
  /// The most prompt tokens run in one forward pass: large enough that the matrix products
  /// stay efficient, small enough that a stop waits at most a few seconds on a 1.5B model.
  static let chunkTokens = 256

  /// Runs `tokens` at positions `cache.count…` and returns the logits of the last one, or nil
  /// when `stopRequested` said so between two chunks (the cache then holds a part of them).
  static func run(
    _ tokens: ArraySlice<Int32>, model: any DecoderModel, cache: KVCache, stopRequested: () -> Bool
  ) throws -> [Float]? {
    precondition(!tokens.isEmpty, "a prefill needs at least one token")
    var start = tokens.startIndex
    while true {
      if stopRequested() { return nil }
      let end = min(start + chunkTokens, tokens.endIndex)
      let logits = try model.forward(Array(tokens[start..<end]), cache: cache, allLogits: false)
      if end == tokens.endIndex { return logits }
      start = end
    }
  }
}
