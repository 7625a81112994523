import Foundation
import Testing
import TwinCore

@Suite struct UserTests {
  @Test func splitsFullNameOnTheLastWord() throws {
    let user = try User(fullName: "  Maxime   Labonne ")
    #expect(user.firstName == "Maxime")
    #expect(user.lastName == "Labonne")
    #expect(user.fullName == "Maxime Labonne")
    let three = try User(fullName: "Jean Claude Van")
    #expect(three.firstName == "Jean Claude")
    #expect(three.lastName == "Van")
    let single = try User(fullName: "Plato")
    #expect(single.fullName == "Plato")
  }

  @Test func rejectsAnEmptyName() {
    #expect(throws: TwinError.self) { try User(fullName: "   ") }
  }
}

@Suite struct RawDocumentTests {
  let author = User(firstName: "Ada", lastName: "Lovecraft")

  @Test func kindsRequireTheirFields() throws {
    #expect(throws: TwinError.self) {
      try RawDocument(
        category: .articles, content: [:], platform: "x", authorID: author.id, authorFullName: "Ada", link: nil)
    }
    #expect(throws: TwinError.self) {
      try RawDocument(
        category: .repositories, content: [:], platform: "github", authorID: author.id, authorFullName: "Ada",
        link: "https://github.com/a/b", name: nil)
    }
    let post = try RawDocument.post(content: ["Content": "hi"], platform: "linkedin", author: author, link: nil, image: nil)
    #expect(post.link == nil)
  }

  @Test func contentHashDistinguishesNullFromEmptyAndIgnoresKeyOrder() throws {
    let a: DocumentContent = ["Title": "T", "Subtitle": nil]
    let b: DocumentContent = ["Subtitle": nil, "Title": "T"]
    let c: DocumentContent = ["Title": "T", "Subtitle": ""]
    let doc = { (content: DocumentContent) in
      try RawDocument.article(content: content, platform: "p", author: self.author, link: "https://x/1")
    }
    #expect(try doc(a).contentHash == doc(b).contentHash)
    #expect(try doc(a).contentHash != doc(c).contentHash)
    #expect(try doc(a).text("Subtitle") == nil)
    #expect(try doc(c).text("Subtitle") == "")
  }

  @Test func sha256MatchesAKnownVector() {
    #expect(SHA256Digest.hex(of: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
  }
}
