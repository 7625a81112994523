/// Builds Markdown text as UTF-8 bytes, handling layout so the renderer need not.
///
/// Layout is lazy: block boundaries and line breaks are only *requested*, and written when the
/// next content arrives. That is what keeps the output free of leading and trailing blank lines,
/// of runs of blank lines, and of trailing spaces, however the HTML nests its empty `<div>`s.
///
/// Every line starts with the current *prefix*: `> ` inside block quotes and indentation inside
/// list items, so nested structures need no post-processing.
struct MarkdownWriter {
  private(set) var output: [UInt8] = []
  private var prefix: [UInt8] = []
  private var prefixLengths: [Int] = []

  /// Newlines owed before the next content: 0, 1 (new line) or 2 (blank line).
  private var pendingBreaks = 0
  /// The prefix length in force when the owed break was first requested; a blank line leaving a
  /// block quote must not carry its `>`.
  private var pendingBreakPrefixLength = Int.max
  /// The owed newline is a `<br>`, written as a Markdown hard break.
  private var pendingHardBreak = false
  /// Whitespace was seen between words; one space is owed before the next content.
  private var pendingSpace = false
  /// The current line has something beyond its prefix.
  private var lineHasContent = false
  /// Just after a block marker (`- `, `## `): whitespace there is not content.
  private var suppressSpace = false
  /// Just after a list marker: the item's first block continues the marker's line.
  private var suppressBreaks = false
  /// Above zero inside headings, links and table cells, where line breaks become spaces.
  private var singleLineDepth = 0
  /// Open inline spans (emphasis, links), innermost last. An opening marker is only written
  /// when the first word inside it is, so an empty span leaves no trace and a span never opens
  /// on a line of its own.
  private var spans: [(marker: String, position: Int?)] = []
  /// How many of the innermost spans have not written their opening marker yet.
  private var unwrittenSpans = 0

  /// The writer's layout state, to undo an element that turned out empty.
  struct Checkpoint {
    fileprivate var outputCount: Int
    fileprivate var pendingBreaks: Int
    fileprivate var pendingBreakPrefixLength: Int
    fileprivate var pendingHardBreak: Bool
    fileprivate var pendingSpace: Bool
    fileprivate var lineHasContent: Bool
    fileprivate var suppressSpace: Bool
    fileprivate var suppressBreaks: Bool
    /// Where the output ended once the opening marker was written.
    fileprivate var contentStart: Int
  }

  /// True when nothing has been written.
  var isEmpty: Bool { output.isEmpty }

  /// True inside headings, links and table cells, where content must stay on one line.
  var isSingleLine: Bool { singleLineDepth > 0 }

  // MARK: Layout

  /// Ends the current block; the next content starts on a new line, after a blank line when
  /// `blankLine`.
  mutating func blockBoundary(blankLine: Bool) {
    if singleLineDepth > 0 {
      if lineHasContent { pendingSpace = true }
      return
    }
    if suppressBreaks { return }
    // A block boundary supersedes a `<br>` just before it.
    pendingHardBreak = false
    if blankLine {
      pendingBreaks = 2
    } else if pendingBreaks == 0 {
      pendingBreaks = 1
    }
    pendingBreakPrefixLength = min(pendingBreakPrefixLength, prefix.count)
    pendingSpace = false
  }

  /// A `<br>`: a hard line break; two in a row make a paragraph break, as they look in a browser.
  mutating func lineBreak() {
    if singleLineDepth > 0 {
      if lineHasContent { pendingSpace = true }
      return
    }
    guard !suppressBreaks, lineHasContent || pendingBreaks > 0 else { return }
    if pendingHardBreak {
      pendingHardBreak = false
      pendingBreaks = 2
    } else if pendingBreaks == 0 {
      pendingHardBreak = true
      pendingBreaks = 1
      pendingBreakPrefixLength = min(pendingBreakPrefixLength, prefix.count)
    }
    pendingSpace = false
  }

  /// Starts content on single lines (headings, links, table cells) until `endSingleLine`.
  mutating func beginSingleLine() { singleLineDepth += 1 }

  mutating func endSingleLine() { singleLineDepth -= 1 }

  /// Adds `extra` to the prefix of every line from the next one on.
  mutating func pushPrefix(_ extra: String) {
    prefixLengths.append(prefix.count)
    prefix.append(contentsOf: extra.utf8)
  }

  mutating func popPrefix() {
    prefix.removeSubrange(prefixLengths.removeLast()...)
  }

  // MARK: Content

  /// Prose text from the HTML: whitespace runs collapse to one space.
  mutating func text(_ bytes: UnsafeBufferPointer<UInt8>) {
    TextNormalization.scanWords(bytes, space: { markSpace() }, word: { write($0) })
  }

  /// Inline content written as is (code spans, images, table rows), after any owed breaks,
  /// space and span markers.
  mutating func write(_ bytes: some Collection<UInt8>) {
    startContent(flushingSpans: true)
    output.append(contentsOf: bytes)
  }

  /// Inline content from a string.
  mutating func write(_ string: String) {
    startContent(flushingSpans: true)
    output.append(contentsOf: string.utf8)
  }

  /// Opens a block marker (a list bullet, `## `); the returned checkpoint lets
  /// ``isUnchanged(since:)`` and ``restore(_:)`` take it back if nothing follows.
  mutating func open(_ marker: String) -> Checkpoint {
    var checkpoint = makeCheckpoint()
    startContent(flushingSpans: false)
    output.append(contentsOf: marker.utf8)
    checkpoint.contentStart = output.count
    suppressSpace = true
    return checkpoint
  }

  /// True when nothing was written since `checkpoint`'s marker.
  func isUnchanged(since checkpoint: Checkpoint) -> Bool {
    output.count == checkpoint.contentStart
  }

  /// Undoes everything written since `checkpoint`, keeping whitespace seen meanwhile.
  mutating func restore(_ checkpoint: Checkpoint) {
    let sawSpace = pendingSpace
    output.removeSubrange(checkpoint.outputCount...)
    pendingBreaks = checkpoint.pendingBreaks
    pendingBreakPrefixLength = checkpoint.pendingBreakPrefixLength
    pendingHardBreak = checkpoint.pendingHardBreak
    pendingSpace = checkpoint.pendingSpace || (sawSpace && checkpoint.lineHasContent)
    lineHasContent = checkpoint.lineHasContent
    suppressSpace = checkpoint.suppressSpace
    suppressBreaks = checkpoint.suppressBreaks
  }

  /// Opens an inline span (`*`, `**`, `[`); its marker is written before the first word inside.
  mutating func openSpan(_ marker: String) {
    spans.append((marker, nil))
    unwrittenSpans += 1
  }

  /// Closes the innermost span with `closer` (`**`, `](url)`), written right after the last word,
  /// before any whitespace owed. An empty span writes nothing. A span that crossed a line break
  /// cannot be expressed in Markdown: its opening marker is taken back and its text stays plain.
  /// Returns whether the span was written.
  @discardableResult
  mutating func closeSpan(_ closer: String) -> Bool {
    let span = spans.removeLast()
    guard let position = span.position, position < output.count else {
      unwrittenSpans = max(0, unwrittenSpans - 1)
      return false
    }
    if output[position...].contains(0x0A) {
      output.removeSubrange(position..<position + span.marker.utf8.count)
      return false
    }
    output.append(contentsOf: closer.utf8)
    return true
  }

  /// Ends a list item: the next item follows on the next line even if this one ended with a
  /// paragraph, so lists of `<li><p>…</p></li>` stay tight.
  mutating func endListItem() {
    if pendingBreaks == 2 { pendingBreaks = 1 }
  }

  /// Marks the line as opened by a list marker, so the item's first block stays on it.
  mutating func continueLineAfterMarker() {
    suppressBreaks = true
  }

  /// A fenced code block: each line of `code` is written exactly, behind the current prefix.
  mutating func codeBlock(_ code: [UInt8], fence: String, language: String) {
    blockBoundary(blankLine: true)
    startContent(flushingSpans: false)
    output.append(contentsOf: (fence + language).utf8)
    var lineStart = 0
    while lineStart <= code.count {
      let lineEnd = code[lineStart...].firstIndex(of: 0x0A) ?? code.count
      newLine(blank: lineEnd == lineStart)
      output.append(contentsOf: code[lineStart..<lineEnd])
      lineStart = lineEnd + 1
    }
    newLine(blank: false)
    output.append(contentsOf: fence.utf8)
    blockBoundary(blankLine: true)
  }

  /// The Markdown text: trailing whitespace trimmed, ending in one newline (empty stays empty).
  func finish() -> String {
    var end = output.count
    while end > 0, TextNormalization.isSpace(output[end - 1]) { end -= 1 }
    guard end > 0 else { return "" }
    var text = String(decoding: output[..<end], as: UTF8.self)
    text.append("\n")
    return text
  }

  // MARK: Internals

  private mutating func markSpace() {
    if lineHasContent, pendingBreaks == 0, !suppressSpace { pendingSpace = true }
  }

  /// Writes owed breaks (with prefixes), the owed space and, for inline content, the markers of
  /// spans opened since the last word.
  private mutating func startContent(flushingSpans: Bool) {
    if pendingBreaks > 0 {
      if !output.isEmpty {
        if pendingHardBreak { output.append(contentsOf: [0x20, 0x20]) }
        output.append(0x0A)
        if pendingBreaks == 2 {
          appendTrimmedPrefix(length: min(pendingBreakPrefixLength, prefix.count))
          output.append(0x0A)
        }
      }
      output.append(contentsOf: prefix)
      pendingBreaks = 0
      pendingBreakPrefixLength = Int.max
      pendingHardBreak = false
      pendingSpace = false
      lineHasContent = false
    } else if output.isEmpty {
      output.append(contentsOf: prefix)
    }
    if pendingSpace {
      output.append(0x20)
      pendingSpace = false
    }
    if flushingSpans, unwrittenSpans > 0 {
      for index in (spans.count - unwrittenSpans)..<spans.count {
        spans[index].position = output.count
        output.append(contentsOf: spans[index].marker.utf8)
      }
      unwrittenSpans = 0
    }
    lineHasContent = true
    suppressSpace = false
    suppressBreaks = false
  }

  /// Starts a new line inside a code block.
  private mutating func newLine(blank: Bool) {
    output.append(0x0A)
    if blank {
      appendTrimmedPrefix(length: prefix.count)
    } else {
      output.append(contentsOf: prefix)
    }
  }

  /// A blank line's prefix: `>` markers kept, trailing spaces not.
  private mutating func appendTrimmedPrefix(length: Int) {
    var end = length
    while end > 0, prefix[end - 1] == 0x20 { end -= 1 }
    output.append(contentsOf: prefix[..<end])
  }

  private func makeCheckpoint() -> Checkpoint {
    Checkpoint(
      outputCount: output.count, pendingBreaks: pendingBreaks,
      pendingBreakPrefixLength: pendingBreakPrefixLength, pendingHardBreak: pendingHardBreak,
      pendingSpace: pendingSpace, lineHasContent: lineHasContent, suppressSpace: suppressSpace,
      suppressBreaks: suppressBreaks, contentStart: output.count)
  }
}
