import Foundation
import TwinCore
import TwinTensor

/// A safetensors file, memory-mapped read-only: tensors are read in place, never copied whole.
///
/// Layout: an 8-byte little-endian header length N, N bytes of JSON describing each tensor
/// (`dtype`, `shape`, `data_offsets` into the data section), then the data section. The header is
/// checked completely on open, so every later access stays inside the file.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`, and the mapping is
/// read-only memory that lives until `deinit`; reading it from several threads at once is safe,
/// which lets model loading convert tensors in parallel.
public final class SafetensorsFile: @unchecked Sendable {
  /// The file this was opened from.
  public let url: URL
  /// Tensor names in the order their data appears in the file.
  public let tensorNames: [String]
  /// The header's `__metadata__` entries (e.g. `format: pt`); empty when there are none.
  public let metadata: [String: String]

  private let tensors: [String: TensorInfo]
  private let map: MappedFile
  /// Offset of the data section from the start of the file: 8 + header length.
  private let dataStart: Int

  /// Maps the file at `url` and validates its header.
  ///
  /// - Throws: ``SafetensorsError`` naming the file (and the tensor) at fault: unreadable file,
  ///   header longer than the file, invalid JSON, unknown dtype, bad or overlapping offsets, or
  ///   data shorter than the header says.
  public init(url: URL) throws {
    let path = url.path
    let map: MappedFile
    do {
      map = try MappedFile(path: path)
    } catch {
      throw SafetensorsError.unreadable(file: path, reason: error.reason)
    }
    let bytes = map.bytes
    guard bytes.count >= 8 else {
      throw SafetensorsError.unreadable(
        file: path, reason: "only \(bytes.count) bytes: too short for the 8-byte header length")
    }
    let headerLength = UInt64(littleEndian: bytes.loadUnaligned(as: UInt64.self))
    guard headerLength <= UInt64(bytes.count - 8) else {
      throw SafetensorsError.headerTooLarge(
        file: path, headerLength: headerLength, fileSize: bytes.count)
    }
    let dataStart = 8 + Int(headerLength)
    let header = try SafetensorsHeader(
      json: UnsafeRawBufferPointer(rebasing: bytes[8..<dataStart]),
      dataLength: bytes.count - dataStart, file: path)
    self.url = url
    self.map = map
    self.dataStart = dataStart
    self.tensors = header.tensors
    self.tensorNames = header.names
    self.metadata = header.metadata
  }

  /// Whether the file has a tensor called `name`.
  public func contains(_ name: String) -> Bool { tensors[name] != nil }

  /// The type, shape and location of tensor `name`.
  ///
  /// - Throws: ``SafetensorsError/missingTensor(file:tensor:suggestions:)`` with the closest
  ///   names when there is no such tensor (e.g. a `bert.` prefix the file does not use).
  public func info(_ name: String) throws -> TensorInfo {
    guard let info = tensors[name] else {
      throw SafetensorsError.missingTensor(
        file: url.path, tensor: name, suggestions: NameSuggestions.closest(to: name, among: tensorNames))
    }
    return info
  }

  /// The raw little-endian bytes of tensor `name`, in place in the mapping.
  ///
  /// The buffer is valid only while this `SafetensorsFile` is alive: keep a reference to the
  /// file for as long as the buffer is used.
  public func rawBytes(_ name: String) throws -> UnsafeRawBufferPointer {
    rawBytes(of: try info(name))
  }

  /// Calls `body` with the raw bytes of tensor `name`, keeping the mapping alive meanwhile: the
  /// safe form of ``rawBytes(_:)`` for code that does not hold the file itself.
  public func withRawBytes<Result>(
    _ name: String, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    let bytes = try rawBytes(name)
    return try withExtendedLifetime(self) { try body(bytes) }
  }

  /// Tensor `name` as `Float`s, converted from F32, F16 or BF16 (row-major, as stored).
  public func floats(_ name: String) throws -> [Float] {
    let info = try info(name)
    try requireFloat(info)
    return [Float](unsafeUninitializedCapacity: info.elementCount) { buffer, initialized in
      convert(info, into: buffer)
      initialized = info.elementCount
    }
  }

  /// Converts tensor `name` straight into `destination`, which must hold exactly its element
  /// count: no intermediate array, for weights that go into a preallocated matrix.
  public func floats(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
    let info = try info(name)
    try requireFloat(info)
    guard destination.count == info.elementCount else {
      throw SafetensorsError.bufferSizeMismatch(
        file: url.path, tensor: name, expected: info.elementCount, got: destination.count)
    }
    convert(info, into: destination)
  }

  private func rawBytes(of info: TensorInfo) -> UnsafeRawBufferPointer {
    // In bounds: the header check proved every range lies inside the data section.
    UnsafeRawBufferPointer(
      rebasing: map.bytes[
        (dataStart + info.byteRange.lowerBound)..<(dataStart + info.byteRange.upperBound)])
  }

  private func requireFloat(_ info: TensorInfo) throws {
    guard info.dtype.convertsToFloat else {
      throw SafetensorsError.notFloatingPoint(file: url.path, tensor: info.name, dtype: info.dtype)
    }
  }

  private func convert(_ info: TensorInfo, into destination: UnsafeMutableBufferPointer<Float>) {
    let source = rawBytes(of: info)
    switch info.dtype {
    case .f32:
      // A byte copy: the data may be unaligned, and both sides are little-endian binary32.
      if !source.isEmpty { UnsafeMutableRawBufferPointer(destination).copyMemory(from: source) }
    case .f16: HalfFloat.convertFloat16(source, into: destination)
    case .bf16: HalfFloat.convertBFloat16(source, into: destination)
    default: preconditionFailure("requireFloat admits only F32, F16 and BF16")
    }
  }
}
