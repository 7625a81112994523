import Foundation
import Testing
import TwinLLM

@Suite struct JSONMatcherTests {
  static let person = try! JSONSchema(
    json: """
      {"type":"object","properties":{"name":{"type":"string","maxLength":5},"age":{"type":"integer"},
      "tags":{"type":"array","items":{"enum":["a","b"]},"maxItems":2}},"required":["name","age"]}
      """)

  @Test func acceptsValidDocumentsAndTheirPrefixes() {
    let document = #"{"name":"Ada","age":36,"tags":["a","b"]}"#
    #expect(Self.person.match(document) == .complete)
    for end in 1..<document.count {
      #expect(Self.person.match(String(document.prefix(end))) == .prefix, "\(document.prefix(end))")
    }
    #expect(Self.person.match(#"{"age":-7,"name":"Bo"}"#) == .complete)
  }

  @Test func rejectsWhatTheSchemaForbids() {
    #expect(Self.person.match(#"{"name":"Ada"}"#) == .invalid)  // required age missing
    #expect(Self.person.match(#"{"name":"Ada","age":3.5"#) == .invalid)  // integer
    #expect(Self.person.match(#"{"name":"Adalbert""#) == .invalid)  // maxLength 5
    #expect(Self.person.match(#"{"nick""#) == .invalid)  // unknown key
    #expect(Self.person.match(#"{"name":"A","name""#) == .invalid)  // repeated key
    #expect(Self.person.match(#"{"name":"A","age":1,"tags":["c""#) == .invalid)  // enum
    #expect(Self.person.match(#"{"name":"A","age":1,"tags":["a","a","a""#) == .invalid)  // maxItems
    #expect(Self.person.match(#"{ "name""#) == .invalid)  // compact output only
    #expect(Self.person.match(#"{"name":"A","age":01"#) == .invalid)  // leading zero
  }

  @Test func numbersStringsAndLiterals() throws {
    let number = try JSONSchema(json: #"{"type":"number"}"#)
    for text in ["0", "-0.5", "12e3", "1.25E-4"] { #expect(number.match(text) == .complete, "\(text)") }
    for text in ["-", "1.", "1e", "1e+"] { #expect(number.match(text) == .prefix, "\(text)") }
    for text in ["+1", ".5", "1..2", "0x1"] { #expect(number.match(text) == .invalid, "\(text)") }
    let string = try JSONSchema(json: #"{"type":"string","minLength":2}"#)
    #expect(string.match(#""a\n\u00e9\"""#) == .complete)
    #expect(string.match(#""a""#) == .invalid)
    #expect(string.match(#""\q"#) == .invalid)
    #expect(string.match("\"tab\there\"") == .invalid)  // raw control characters must be escaped
    let nullable = try JSONSchema(json: #"{"type":["string","null"]}"#)
    #expect(nullable.match("null") == .complete && nullable.match(#""x""#) == .complete)
    #expect(nullable.match("true") == .invalid)
    let any = JSONSchema.any
    #expect(any.match(#"{"a":[1,true,null,{"b":"c"}]}"#) == .complete)
  }

  @Test func schemaErrorsNameThePath() {
    #expect(throws: JSONSchemaError(path: "$.properties.x", message: "keyword 'pattern' is not supported")) {
      try JSONSchema(json: #"{"type":"object","properties":{"x":{"type":"string","pattern":"a+"}}}"#)
    }
    #expect(throws: JSONSchemaError(path: "$.required", message: "'y' is not in properties")) {
      try JSONSchema(json: #"{"type":"object","properties":{"x":{}},"required":["y"]}"#)
    }
    #expect(throws: JSONSchemaError(path: "$", message: "is not valid JSON")) { try JSONSchema(json: "{") }
  }
}
