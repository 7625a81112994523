/// How many threads the compute pool runs, as the user sets it: `TWIN_THREADS` in the
/// environment, read once when the pool starts (before any settings exist, so the settings
/// loader checks the same variable with ``count(from:)`` and refuses a bad value).
public enum ComputeThreads {
  /// The environment variable that sets the pool's size.
  public static let environmentName = "TWIN_THREADS"

  /// The thread count `text` asks for: a positive whole number, or nil for anything else.
  public static func count(from text: String) -> Int? {
    guard let value = Int(text), value > 0 else { return nil }
    return value
  }
}
