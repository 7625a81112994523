import Foundation
import Testing
import TwinCore
import TwinCrawlers
import ZIPFoundation

@Suite struct LinkedInImporterTests {
  let author = User(firstName: "Grace", lastName: "Hopper")

  /// A Shares.csv as LinkedIn writes it: BOM, CRLF, quoted multi-line commentary with doubled
  /// quotes and commas, a reshare without commentary, empty optional columns.
  static let shares =
    "\u{FEFF}Date,ShareLink,ShareCommentary,SharedUrl,MediaUrl,Visibility\r\n"
    + "2024-01-02 10:00:00,https://www.linkedin.com/feed/update/urn:li:share:1,"
    + "\"First line\r\nSecond line with \"\"quotes\"\", and a comma\",https://example.com/a,,MEMBER_NETWORK\r\n"
    + "2024-01-03 11:00:00,https://www.linkedin.com/feed/update/urn:li:share:2,,https://example.com/b,,PUBLIC\r\n"
    + "2024-01-04 12:00:00,https://www.linkedin.com/feed/update/urn:li:share:3,Plain post,,"
    + "https://media.licdn.com/image.jpg,PUBLIC\r\n"

  private func makeZIP(in temp: TemporaryDirectory, entries: [(String, String)]) throws -> URL {
    let zip = temp.url.appendingPathComponent("Basic_LinkedInDataExport.zip")
    let archive = try Archive(url: zip, accessMode: .create)
    for (path, text) in entries {
      let data = Data(text.utf8)
      try archive.addEntry(
        with: path, type: .file, uncompressedSize: Int64(data.count), compressionMethod: .deflate
      ) { position, size in
        data.subdata(in: Int(position)..<Int(position) + size)
      }
    }
    return zip
  }

  @Test func readsPostsFromTheExportZIP() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let zip = try makeZIP(
      in: temp, entries: [("Profile.csv", "First Name\nGrace\n"), ("Shares.csv", Self.shares)])

    let result = try LinkedInExportImporter().read(from: zip, author: author)

    #expect(result.source == "Shares.csv in \(zip.path)")
    #expect(result.skippedWithoutCommentary == 1)
    #expect(result.posts.count == 2)
    let first = result.posts[0]
    #expect(first.category == .posts)
    #expect(first.platform == "linkedin")
    #expect(first.link == "https://www.linkedin.com/feed/update/urn:li:share:1")
    #expect(first.image == nil)
    #expect(first.authorID == author.id)
    #expect(
      first.content == [
        "Content": "First line\r\nSecond line with \"quotes\", and a comma",
        "Date": "2024-01-02 10:00:00",
        "SharedUrl": "https://example.com/a",
      ])
    let second = result.posts[1]
    #expect(second.content == ["Content": "Plain post", "Date": "2024-01-04 12:00:00"])
    #expect(second.link == "https://www.linkedin.com/feed/update/urn:li:share:3")
    #expect(second.image == "https://media.licdn.com/image.jpg")
  }

  @Test func readsAPlainCSVWithColumnsInAnyOrderAndCase() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let csv = try temp.write(
      "shares.csv", "sharecommentary , DATE\n\"Hi, there\",2024-05-06\nBye,\n")

    let posts = try LinkedInExportImporter().posts(from: csv, author: author)

    #expect(
      posts.map(\.content) == [["Content": "Hi, there", "Date": "2024-05-06"], ["Content": "Bye"]])
    #expect(posts.map(\.link) == [nil, nil])
  }

  @Test func findsSharesInAnExtractedFolder() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let csv = try temp.write("export/Basic_LinkedInDataExport/Shares.csv", Self.shares)

    let result = try LinkedInExportImporter().read(
      from: temp.url.appendingPathComponent("export"), author: author)
    #expect(result.source == csv.path)
    #expect(result.posts.count == 2)
  }

  @Test func malformedRowsAreNamed() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let cases: [(String, String)] = [
      (
        "Date,ShareCommentary\n2024,\"never closed\nstill going\n",
        "row 2 (line 2): a quoted field is never closed"
      ),
      ("Date,ShareCommentary\n2024,\"ok\"x\n", "row 2 (line 2): text after a closing quote"),
      (
        "Date,ShareCommentary\n2024,say \"hi\"\n",
        "row 2 (line 2): a quote inside an unquoted field (quote the whole field and double the quote)"
      ),
      (
        "Date,ShareCommentary\n2024,\"two\nlines\"\n2025,a,extra\n",
        "row 3 (line 4): expected 2 fields like the header, found 3"
      ),
    ]
    for (index, (text, message)) in cases.enumerated() {
      let csv = try temp.write("case\(index).csv", text)
      #expect(throws: TwinError.invalidInput("\(csv.path): \(message)")) {
        try LinkedInExportImporter().read(from: csv, author: author)
      }
    }
  }

  @Test func missingPiecesAreReported() throws {
    let temp = try TemporaryDirectory()
    defer { temp.remove() }
    let noColumn = try temp.write("no-column.csv", "Date,ShareLink\n2024,https://x\n")
    #expect(
      throws: TwinError.invalidInput(
        "\(noColumn.path): no ShareCommentary column in the header (found: Date, ShareLink)")
    ) {
      try LinkedInExportImporter().read(from: noColumn, author: author)
    }

    let zip = try makeZIP(in: temp, entries: [("Profile.csv", "First Name\nGrace\n")])
    #expect(throws: TwinError.notFound(kind: .file, name: "Shares.csv", hint: "not in the LinkedIn export \(zip.path)")) {
      try LinkedInExportImporter().read(from: zip, author: author)
    }

    let latin1 = try temp.write("latin1.csv", [0x53, 0x68, 0x61, 0x72, 0x65, 0xE9, 0x0A])
    #expect(throws: TwinError.invalidInput("\(latin1.path) is not UTF-8 text")) {
      try LinkedInExportImporter().read(from: latin1, author: author)
    }

    let empty = try temp.write("empty.csv", "")
    #expect(
      throws: TwinError.invalidInput("\(empty.path): the file is empty (expected a header row)")
    ) {
      try LinkedInExportImporter().read(from: empty, author: author)
    }
  }
}
