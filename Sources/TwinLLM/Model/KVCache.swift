/// Keys and values of every position processed so far, per layer, so each new token attends
/// to the past without recomputing it.
///
/// Stored in `f16`, as llama.cpp caches them: half the memory of `Float`, and half the bytes
/// each decoding step's attention reads back.
///
/// A reference type: the model appends to it during ``DecoderModel/forward(_:cache:allLogits:)``.
/// Not thread-safe; one generation owns one cache.
public final class KVCache: @unchecked Sendable {
  public let capacity: Int
  let width: Int
  let layers: Int
  var keys: [UnsafeMutablePointer<Float16>]
  var values: [UnsafeMutablePointer<Float16>]
  /// Positions filled.
  public private(set) var count = 0

  /// - Parameters:
  ///   - capacity: The most positions (prompt + generated tokens) it can hold.
  public convenience init(hyperparameters h: Hyperparameters, capacity: Int) {
    self.init(layers: h.layers, width: h.kvWidth, capacity: max(1, min(capacity, h.contextLength)))
  }

  private init(layers: Int, width: Int, capacity: Int) {
    self.capacity = capacity
    self.width = width
    self.layers = layers
    keys = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
    values = (0..<layers).map { _ in .allocate(capacity: capacity * width) }
  }

  /// A cache holding a copy of `source`'s first `count` positions, with room for no more: what
  /// a prompt-prefix cache keeps of a finished sequence.
  convenience init(copying count: Int, of source: KVCache) {
    precondition((1...source.count).contains(count), "copying \(count) of \(source.count) positions")
    self.init(layers: source.layers, width: source.width, capacity: count)
    adopt(count, of: source)
  }

  /// Starts this cache with `source`'s first `count` positions (keys and values are a function
  /// of the tokens before them only, so a shared prompt prefix's rows are the same in every
  /// cache that holds it), replacing whatever it held.
  func adopt(_ count: Int, of source: KVCache) {
    precondition(layers == source.layers && width == source.width, "caches of different models")
    precondition(count <= source.count && count <= capacity, "adopting \(count) positions")
    for layer in 0..<layers {
      keys[layer].update(from: source.keys[layer], count: count * width)
      values[layer].update(from: source.values[layer], count: count * width)
    }
    self.count = count
  }

  /// Bytes of keys and values per position.
  var bytesPerPosition: Int { 2 * layers * width * MemoryLayout<Float16>.size }

  deinit {
    keys.forEach { $0.deallocate() }
    values.forEach { $0.deallocate() }
  }

  /// Forgets everything after `position` (to reuse a shared prompt prefix).
  public func truncate(to position: Int) { count = max(0, min(count, position)) }

  func advance(by n: Int) { count += n }

  /// The room left.
  public var remaining: Int { capacity - count }
}

/// Why a generation cannot continue.
public enum GenerationError: Error, Sendable, Equatable, CustomStringConvertible {
  case contextFull(capacity: Int)
  case emptyPrompt

  public var description: String {
    switch self {
    case .contextFull(let capacity): "the context window of \(capacity) tokens is full"
    case .emptyPrompt: "the prompt has no tokens"
    }
  }
}
