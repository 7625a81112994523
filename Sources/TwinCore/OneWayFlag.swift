import Synchronization

/// A flag that is set once, from any thread, and read from any other: "the caller stopped",
/// "the client went away".
public final class OneWayFlag: Sendable {
  private let flag = Mutex(false)

  public init() {}

  /// Sets the flag; it stays set.
  public func set() { flag.withLock { $0 = true } }

  /// Whether ``set()`` was called.
  public var isSet: Bool { flag.withLock { $0 } }
}
