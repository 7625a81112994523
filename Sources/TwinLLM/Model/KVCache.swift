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
  public init(hyperparameters h: Hyperparameters, capacity: Int) {
    self.capacity = max(1, min(capacity, h.contextLength))
    width = h.kvWidth
    layers = h.layers
    keys = (0..<h.layers).map { _ in .allocate(capacity: max(1, min(capacity, h.contextLength)) * h.kvWidth) }
    values = (0..<h.layers).map { _ in .allocate(capacity: max(1, min(capacity, h.contextLength)) * h.kvWidth) }
  }

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
