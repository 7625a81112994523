/// Small adapters between Swift collections and the kernels' raw-pointer API.
extension UnsafeBufferPointer where Element == Float {
  /// The base address, or a valid dangling address for an empty buffer (which kernels never
  /// dereference for a zero-sized shape).
  var nonEmptyBase: UnsafePointer<Float> {
    baseAddress ?? UnsafePointer(emptyFloatSentinel)
  }
}

extension UnsafeMutableBufferPointer where Element == Float {
  /// The base address, or a valid dangling address for an empty buffer.
  var nonEmptyBase: UnsafeMutablePointer<Float> {
    baseAddress ?? emptyFloatSentinel
  }
}

/// A one-float allocation standing in for empty buffers' missing base address.
nonisolated(unsafe) let emptyFloatSentinel: UnsafeMutablePointer<Float> = {
  let p = UnsafeMutablePointer<Float>.allocate(capacity: 1)
  p.initialize(to: 0)
  return p
}()

/// Calls `body` with a pointer to `values`' elements, or nil when `values` is nil.
func withOptionalPointer<R>(_ values: [Float]?, _ body: (UnsafePointer<Float>?) -> R) -> R {
  guard let values else { return body(nil) }
  return values.withUnsafeBufferPointer { body($0.nonEmptyBase) }
}
