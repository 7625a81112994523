import CLibXML2

/// Tables as Markdown pipe tables.
///
/// The first row is the header (pipe tables need one); short rows are padded with empty cells;
/// `colspan` is ignored. Cells are rendered on one line with `|` escaped. Tables used for page
/// layout (a single cell, or tables inside tables) are rendered as plain blocks instead, since a
/// pipe table cannot hold paragraphs.
extension MarkdownRenderer {
  mutating func table(_ element: XMLNodePointer) {
    guard !writer.isSingleLine else {
      renderChildren(element)
      return
    }
    var rows: [[XMLNodePointer]] = []
    var captions: [XMLNodePointer] = []
    Self.collectRows(of: element, rows: &rows, captions: &captions)
    let cellCount = rows.reduce(0) { $0 + $1.count }
    if cellCount <= 1 || Self.containsTable(element) {
      // Rows and cells are blocks, so each cell becomes its own paragraphs.
      block(element)
      return
    }

    let texts = rows.map { row in row.map { renderCell($0) } }.filter { row in
      row.contains { !$0.isEmpty }
    }
    guard let width = texts.map(\.count).max() else { return }

    writer.blockBoundary(blankLine: true)
    for caption in captions {
      renderChildren(caption)
      writer.blockBoundary(blankLine: true)
    }
    for (index, row) in texts.enumerated() {
      let padded = row + Array(repeating: "", count: width - row.count)
      writer.write("| " + padded.joined(separator: " | ") + " |")
      writer.blockBoundary(blankLine: false)
      if index == 0 {
        writer.write("|" + Array(repeating: " --- |", count: width).joined())
        writer.blockBoundary(blankLine: false)
      }
    }
    writer.blockBoundary(blankLine: true)
  }

  /// One cell's content on a single line, with `|` escaped so it cannot end the cell.
  private mutating func renderCell(_ cell: XMLNodePointer) -> String {
    var cellWriter = MarkdownWriter()
    cellWriter.beginSingleLine()
    swap(&writer, &cellWriter)
    renderChildren(cell)
    swap(&writer, &cellWriter)
    var text = cellWriter.finish()
    if text.hasSuffix("\n") { text.removeLast() }
    return text.replacingPipes()
  }

  /// The rows (`<tr>` directly in the table or in its `<thead>`, `<tbody>`, `<tfoot>`) and their
  /// `<th>`/`<td>` cells, and any `<caption>`.
  private static func collectRows(
    of table: XMLNodePointer, rows: inout [[XMLNodePointer]], captions: inout [XMLNodePointer]
  ) {
    for child in table.children where child.isElement {
      switch HTMLTag(child) {
      case .tr:
        rows.append(child.children.filter { $0.isElement && [.td, .th].contains(HTMLTag($0)) })
      case .thead, .tbody, .tfoot:
        collectRows(of: child, rows: &rows, captions: &captions)
      case .caption:
        captions.append(child)
      default:
        break
      }
    }
  }

  /// True when a `<table>` occurs anywhere below `element`.
  private static func containsTable(_ element: XMLNodePointer) -> Bool {
    element.children.contains { child in
      child.isElement && (child.hasName("table") || containsTable(child))
    }
  }
}

extension String {
  /// The string with `|` escaped for a pipe-table cell.
  fileprivate func replacingPipes() -> String {
    guard utf8.contains(0x7C) else { return self }
    var out = ""
    out.reserveCapacity(utf8.count + 4)
    for character in self {
      if character == "|" { out.append("\\") }
      out.append(character)
    }
    return out
  }
}
