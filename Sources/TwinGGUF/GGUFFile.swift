import Foundation
import TwinCore

/// A GGUF model file (llama.cpp's format), held read-only: metadata is parsed on open, tensor
/// data is used in place, from the file's mapping or, for a model about to generate, from a copy
/// on huge pages (``TwinCore/MappedFile/Residency``).
///
/// Opening checks the whole header — magic, version, every metadata entry, every tensor's
/// dimensions, type and extent — so later accesses stay inside the file, and a truncated or
/// corrupt download fails here with a ``GGUFError`` naming the file and the key or tensor.
///
/// `@unchecked Sendable`: every stored property is immutable after `init`, and the mapping is
/// read-only memory that lives until `deinit`, so any number of threads may read at once.
public final class GGUFFile: @unchecked Sendable {
  /// The file this was opened from.
  public let url: URL
  /// The format version: 2 or 3.
  public let version: Int
  /// Every metadata entry, by key.
  public let metadata: [String: GGUFValue]
  /// The metadata keys in file order.
  public let metadataKeys: [String]
  /// The tensors in file order.
  public let tensors: [GGUFTensorInfo]
  /// The alignment of tensor data: `general.alignment`, else 32.
  public let alignment: Int
  /// Where the data section starts, from the beginning of the file.
  public let dataOffset: Int

  private let map: MappedFile
  private let tensorIndex: [String: Int]

  /// Opens the file at `url`, held as `residency` says (mapped by default), and validates its
  /// header.
  ///
  /// - Throws: ``GGUFError``: unreadable file, wrong magic, unsupported version, header cut
  ///   short, malformed metadata or tensor entries, unknown tensor types, tensors overlapping or
  ///   running past the end of the file.
  public init(url: URL, residency: MappedFile.Residency = .mapped) throws(GGUFError) {
    let path = url.path
    let map: MappedFile
    do {
      map = try MappedFile(path: path, residency: residency)
    } catch {
      throw .unreadable(file: path, reason: error.reason)
    }
    let header = try GGUFHeader(bytes: map.bytes, file: path)
    self.url = url
    self.map = map
    self.version = Int(header.version)
    self.metadata = header.metadata
    self.metadataKeys = header.metadataKeys
    self.tensors = header.tensors
    self.alignment = header.alignment
    self.dataOffset = header.dataOffset
    self.tensorIndex = Dictionary(
      header.tensors.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
  }

  /// The file's size in bytes.
  public var fileSize: Int { map.count }

  /// The model architecture, `general.architecture` (`llama`, `gemma3`, …); architecture-specific
  /// keys are prefixed with it (`llama.block_count`).
  public var architecture: String {
    get throws(GGUFError) { try string("general.architecture") }
  }

  /// Whether the file has a tensor called `name`.
  public func contains(tensor name: String) -> Bool { tensorIndex[name] != nil }

  /// The tensor called `name`.
  ///
  /// - Throws: ``GGUFError/missingTensor(file:tensor:suggestions:)`` with the closest names.
  public func tensor(named name: String) throws(GGUFError) -> GGUFTensorInfo {
    guard let index = tensorIndex[name] else {
      throw .missingTensor(
        file: url.path, tensor: name,
        suggestions: NameSuggestions.closest(to: name, among: tensors.map(\.name)))
    }
    return tensors[index]
  }

  /// The raw bytes of `tensor`, in place in the mapping.
  ///
  /// Valid only while this `GGUFFile` is alive: keep a reference to the file for as long as the
  /// buffer is used. `tensor` must be one of this file's ``tensors``.
  public func bytes(of tensor: GGUFTensorInfo) -> UnsafeRawBufferPointer {
    precondition(
      tensorIndex[tensor.name].map { tensors[$0] == tensor } ?? false,
      "tensor '\(tensor.name)' does not belong to \(url.path)")
    // In bounds: the header check proved every tensor lies inside the file.
    let start = dataOffset + tensor.offset
    return UnsafeRawBufferPointer(rebasing: map.bytes[start..<(start + tensor.byteCount)])
  }

  /// Calls `body` with the raw bytes of tensor `name`, keeping the mapping alive meanwhile.
  public func withBytes<Result>(
    of name: String, _ body: (UnsafeRawBufferPointer) throws -> Result
  ) throws -> Result {
    let bytes = bytes(of: try tensor(named: name))
    return try withExtendedLifetime(self) { try body(bytes) }
  }
}
