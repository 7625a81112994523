/// Keys and values of recent prompts, so that a new prompt sharing a prefix with one of them
/// (the same system turn and instructions, a conversation that goes on) copies that prefix's
/// rows instead of computing them again. Prefill is the most expensive part of a generation on
/// a CPU; what llama.cpp's server calls prompt caching and vLLM automatic prefix caching.
///
/// The rows of a prefix depend only on the tokens up to it, so a copy equals a recomputation.
/// Entries of running sequences point at their live caches (the rows a sequence already has
/// never change as it grows); a finished sequence leaves a compact copy of its rows, and those
/// copies are bounded by ``byteBudget``, least recently used first out.
///
/// Not thread-safe: the ``ContinuousBatcher``'s model thread owns it.
final class PromptPrefixCache {
  private struct Entry {
    /// The tokens whose keys and values are the cache's first `tokens.count` rows.
    var tokens: [Int32]
    var cache: KVCache
    /// True while the sequence that owns `cache` runs: its rows cost nothing extra.
    var live: Bool
    var lastUse: UInt64
  }

  /// The most bytes that copies of finished sequences' rows may hold.
  let byteBudget: Int
  private var entries: [Entry] = []
  private var clock: UInt64 = 0

  init(byteBudget: Int) {
    self.byteBudget = max(0, byteBudget)
  }

  /// Copies into `cache` the longest cached prefix of `prompt`, leaving at least the prompt's
  /// last token to compute (its logits pick the first generated token). Returns the number of
  /// positions copied, 0 when no entry shares a token.
  func restore(_ prompt: [Int32], into cache: KVCache) -> Int {
    guard byteBudget > 0, prompt.count > 1 else { return 0 }
    var best: (index: Int, length: Int)?
    for (index, entry) in entries.enumerated() {
      let length = Self.commonPrefix(entry.tokens, prompt, limit: prompt.count - 1)
      if length > (best?.length ?? 0) { best = (index, length) }
    }
    guard let best else { return 0 }
    clock += 1
    entries[best.index].lastUse = clock
    cache.adopt(best.length, of: entries[best.index].cache)
    return best.length
  }

  /// Remembers the prompt a running sequence has just prefilled into `cache`.
  func remember(_ prompt: [Int32], in cache: KVCache) {
    guard byteBudget > 0 else { return }
    clock += 1
    // An entry whose tokens the new one starts with adds nothing any more.
    entries.removeAll { $0.tokens.count <= prompt.count && prompt.starts(with: $0.tokens) }
    entries.append(Entry(tokens: prompt, cache: cache, live: true, lastUse: clock))
  }

  /// The sequence that owns `cache` has finished, having fed the model `held` (its prompt, then
  /// what it generated, one token per row of `cache`): keep a compact copy of its rows.
  func retire(_ cache: KVCache, tokens held: [Int32]) {
    guard let index = entries.firstIndex(where: { $0.cache === cache }) else { return }
    guard !held.isEmpty, held.count == cache.count, held.count * cache.bytesPerPosition <= byteBudget else {
      entries.remove(at: index)
      return
    }
    entries[index] = Entry(
      tokens: held, cache: KVCache(copying: held.count, of: cache), live: false, lastUse: entries[index].lastUse)
    evict()
  }

  /// The sequence that owns `cache` failed: its rows are not to be trusted.
  func forget(_ cache: KVCache) {
    entries.removeAll { $0.cache === cache }
  }

  /// Bytes held by finished sequences' copies.
  var retainedBytes: Int {
    entries.lazy.filter { !$0.live }.map { $0.tokens.count * $0.cache.bytesPerPosition }.reduce(0, +)
  }

  private func evict() {
    while retainedBytes > byteBudget,
      let oldest = entries.indices.filter({ !entries[$0].live }).min(by: { entries[$0].lastUse < entries[$1].lastUse })
    {
      entries.remove(at: oldest)
    }
  }

  /// The length of the common prefix of `a` and `b`, at most `limit`.
  static func commonPrefix(_ a: [Int32], _ b: [Int32], limit: Int) -> Int {
    let n = min(a.count, b.count, limit)
    var i = 0
    while i < n && a[i] == b[i] { i += 1 }
    return i
  }
}
