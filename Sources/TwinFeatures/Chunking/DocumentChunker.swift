import Foundation
import TwinCore

/// Cuts cleaned documents into chunks that fit the embedding model's window.
///
/// Token-aware: sizes are measured with the embedder's own tokenizer, so no chunk is silently
/// truncated by the model (the Handbook's 1,000–2,000-character article chunks often were).
/// Articles and posts are packed by paragraph and sentence; repositories by file, each chunk
/// starting with a `File: path` line and carrying the path.
public struct DocumentChunker: Sendable {
  /// Bump when chunking changes, so every document is chunked again.
  public static let version = "1"

  public let settings: [DocumentCategory: ChunkingSettings]
  /// Content tokens of a text (no special tokens), as the embedder counts them.
  public let tokenCount: @Sendable (String) -> Int

  public init(settings: [DocumentCategory: ChunkingSettings], tokenCount: @escaping @Sendable (String) -> Int) {
    self.settings = settings
    self.tokenCount = tokenCount
  }

  public func settings(for category: DocumentCategory) -> ChunkingSettings {
    settings[category] ?? .defaults(for: category)
  }

  /// The document's chunks, in reading order, with deterministic ids.
  public func chunk(_ document: CleanedDocument) -> [Chunk] {
    let category = settings(for: document.category)
    let packer = UnitPacker(maxTokens: category.maxTokens, overlapTokens: category.overlapTokens, count: tokenCount)
    var pieces: [(text: String, filePath: String?)] = []
    switch document.category {
    case .articles, .posts:
      pieces = packer.pack(proseUnits(document.content)).map { ($0.joinedText, nil) }
    case .repositories:
      for file in document.files {
        pieces += fileChunks(file, packer: packer).map { ($0, file.path) }
      }
    }
    var seen: [String: Int] = [:]
    var chunks: [Chunk] = []
    for piece in pieces where !piece.text.isEmpty {
      let occurrence = seen[piece.text, default: 0]
      seen[piece.text] = occurrence + 1
      chunks.append(
        Chunk(
          id: ChunkIdentity.id(documentID: document.id, text: piece.text, occurrence: occurrence),
          documentID: document.id, index: chunks.count, text: piece.text, tokenCount: tokenCount(piece.text),
          filePath: piece.filePath))
    }
    return chunks
  }

  func proseUnits(_ text: String) -> [TextUnit] {
    var units: [TextUnit] = []
    for block in ProseSegmenter.blocks(text) {
      let parts =
        block.isLineOriented
        ? block.text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        : ProseSegmenter.sentences(block.text)
      for (i, part) in parts.enumerated() where !part.isEmpty {
        let join: TextUnit.Join = i == 0 ? .paragraph : (block.isLineOriented ? .line : .space)
        units.append(TextUnit(text: part, join: join, tokens: tokenCount(part)))
      }
    }
    return units
  }

  /// A file in one chunk when it fits; otherwise runs of lines, each under the file's header.
  func fileChunks(_ file: RepositoryFile, packer: UnitPacker) -> [String] {
    let header = "File: \(file.path)"
    let headerTokens = tokenCount(header)
    let whole = header + "\n" + file.text
    if tokenCount(whole) <= packer.maxTokens { return [whole] }
    // Leave room for the header in every chunk; a path longer than half the window is cut.
    let budget = packer.maxTokens - headerTokens
    guard budget >= packer.maxTokens / 2 else {
      return packer.pack([TextUnit(text: whole, join: .paragraph, tokens: tokenCount(whole))]).map(\.joinedText)
    }
    let bodyPacker = UnitPacker(maxTokens: budget, overlapTokens: min(packer.overlapTokens, budget / 2), count: tokenCount)
    let lines = file.text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
      TextUnit(text: String(line), join: .line, tokens: tokenCount(String(line)))
    }
    return bodyPacker.pack(lines).map { header + "\n" + $0.joinedText }
  }
}
