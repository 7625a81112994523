/// Packs units greedily into chunks of at most `maxTokens`, repeating up to `overlapTokens` of
/// each chunk's tail at the start of the next.
///
/// Units longer than the limit are first cut into word runs, and words into character runs, so
/// the limit holds for any input (a minified line, a long URL).
struct UnitPacker {
  let maxTokens: Int
  let overlapTokens: Int
  let count: (String) -> Int

  func pack(_ units: [TextUnit]) -> [[TextUnit]] {
    var chunks: [[TextUnit]] = []
    var current: [TextUnit] = []
    var currentTokens = 0
    // Whether `current` holds anything beyond the overlap carried from the previous chunk.
    var hasNewContent = false
    for unit in units.flatMap(fitting) {
      if currentTokens + unit.tokens > maxTokens, hasNewContent {
        chunks.append(current)
        current = overlap(after: current, before: unit)
        currentTokens = current.tokenSum
        hasNewContent = false
      }
      current.append(unit)
      currentTokens += unit.tokens
      hasNewContent = true
    }
    if hasNewContent { chunks.append(current) }
    return chunks.flatMap(verified)
  }

  /// The tail of `chunk` to repeat: whole units, at most `overlapTokens`, leaving room for `next`.
  func overlap(after chunk: [TextUnit], before next: TextUnit) -> [TextUnit] {
    var tail: [TextUnit] = []
    var tokens = 0
    for unit in chunk.reversed() {
      guard tokens + unit.tokens <= overlapTokens, tokens + unit.tokens + next.tokens <= maxTokens else { break }
      tail.insert(unit, at: 0)
      tokens += unit.tokens
    }
    // A chunk must not start mid-word.
    while tail.first?.join == TextUnit.Join.none { tail.removeFirst() }
    return tail
  }

  /// `unit` itself when it fits, else word runs (or character runs) that each fit.
  func fitting(_ unit: TextUnit) -> [TextUnit] {
    guard unit.tokens > maxTokens else { return [unit] }
    let words = unit.text.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    var pieces: [TextUnit] = []
    var run: [String] = []
    var runTokens = 0
    func flushRun() {
      guard !run.isEmpty else { return }
      pieces.append(TextUnit(text: run.joined(separator: " "), join: pieces.isEmpty ? unit.join : .space, tokens: runTokens))
      run = []
      runTokens = 0
    }
    for word in words {
      let tokens = count(word)
      if tokens > maxTokens {
        flushRun()
        for (i, piece) in characterRuns(word).enumerated() {
          pieces.append(
            TextUnit(text: piece.text, join: i == 0 ? (pieces.isEmpty ? unit.join : .space) : .none, tokens: piece.tokens))
        }
        continue
      }
      if runTokens + tokens > maxTokens { flushRun() }
      run.append(word)
      runTokens += tokens
    }
    flushRun()
    // Joining words one by one can count differently from the whole run; re-count each run.
    return pieces.map { piece in
      var piece = piece
      piece.tokens = count(piece.text)
      return piece
    }.flatMap { $0.tokens > maxTokens && $0.text.contains(" ") ? fitting($0) : [$0] }
  }

  /// Cuts a word longer than the limit into the longest prefixes that fit.
  func characterRuns(_ word: String) -> [(text: String, tokens: Int)] {
    var rest = Substring(word)
    var runs: [(String, Int)] = []
    while !rest.isEmpty {
      // Binary search for the longest prefix within the limit.
      var low = 1
      var high = rest.count
      while low < high {
        let mid = (low + high + 1) / 2
        if count(String(rest.prefix(mid))) <= maxTokens { low = mid } else { high = mid - 1 }
      }
      let piece = String(rest.prefix(low))
      runs.append((piece, count(piece)))
      rest = rest.dropFirst(low)
    }
    return runs
  }

  /// Checks a packed chunk against a real count (tokenizers need not be additive across
  /// joins) and halves it until every part fits.
  func verified(_ chunk: [TextUnit]) -> [[TextUnit]] {
    guard chunk.count > 1, count(chunk.joinedText) > maxTokens else { return [chunk] }
    let middle = chunk.count / 2
    return verified(Array(chunk[..<middle])) + verified(Array(chunk[middle...]))
  }
}
