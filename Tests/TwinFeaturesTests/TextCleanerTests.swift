import Foundation
import Testing
import TwinCore
import TwinFeatures

@Suite struct TextCleanerTests {
  @Test func removesInvisibleAndControlCharacters() {
    let dirty = "Zero\u{200B}width\u{FEFF} and\u{0007} bell,\u{00A0}nbsp\r\nnext\rline"
    #expect(TextCleaner.cleanProse(dirty) == "Zerowidth and bell, nbsp\nnext\nline")
  }

  @Test func normalisesToNFC() {
    let decomposed = "Cafe\u{0301}"
    #expect(TextCleaner.cleanProse(decomposed).unicodeScalars.count == 4)
  }

  @Test func keepsParagraphsListsAndCodeBlocks() {
    let text = """
      #### Heading kept

      First   paragraph  with    spaces.



      - item one
        - nested   item

      ```swift
      let  x  =  1   // spacing inside code is kept


      print(x)
      ```
      """
    let cleaned = TextCleaner.cleanProse(text)
    #expect(cleaned.hasPrefix("#### Heading kept\n\nFirst paragraph with spaces.\n\n- item one\n  - nested item"))
    #expect(cleaned.contains("let  x  =  1   // spacing inside code is kept\n\nprint(x)"))
    #expect(!cleaned.contains("\n\n\n\n"))
  }

  @Test func codeKeepsIndentationAndTrimsTrailingSpace() {
    let code = "def f():  \n\tif x:\n\t\treturn 1   \n\n\n\n\nprint(f())\n"
    #expect(TextCleaner.cleanCode(code) == "def f():\n\tif x:\n\t\treturn 1\n\n\nprint(f())")
  }

  @Test func articleCleaningDoesNotAppendTheLanguage() throws {
    let author = try User(fullName: "Ada Lovecraft")
    let raw = try RawDocument.article(
      content: ["Title": "On  Chunks", "Subtitle": "Why sizes matter", "Content": "Body text.", "language": "en"],
      platform: "example.com", author: author, link: "https://example.com/a")
    let cleaned = DocumentCleaner.clean(raw, sourceHash: "h")
    #expect(cleaned.title == "On Chunks")
    #expect(cleaned.content == "Why sizes matter\n\nBody text.")
  }

  @Test func repositoryFilesAreCleanedInPathOrder() throws {
    let author = try User(fullName: "Ben Okafor")
    let raw = try RawDocument.repository(
      content: ["src/b.py": "print('b')\n", "README.md": "# Repo\r\n", "empty.txt": "\u{200B}\n"],
      platform: "github", author: author, name: "repo", link: "https://github.com/x/repo")
    let cleaned = DocumentCleaner.clean(raw, sourceHash: "h")
    #expect(cleaned.files.map(\.path) == ["README.md", "src/b.py"])
    #expect(cleaned.content == "File: README.md\n# Repo\n\nFile: src/b.py\nprint('b')")
  }
}
