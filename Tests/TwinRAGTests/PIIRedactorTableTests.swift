import Testing
import TwinRAG

// BEGIN TABLE
/// A text that contains one secret: after redaction `secret` must not appear in the output, and
/// a finding of `kind` must have been reported.
private struct Positive: Sendable {
  var text: String
  var secret: String
  var kind: PIIRedactor.Kind
  init(_ text: String, _ secret: String, _ kind: PIIRedactor.Kind) {
    (self.text, self.secret, self.kind) = (text, secret, kind)
  }
}

/// The cases the detectors were tuned on: the security review's examples and others written
/// alongside the patterns (every kind; formats; keys inside sentences and before punctuation).
private let tuningPositives: [Positive] = [
  // Phone numbers.
  Positive("call 415-555-0132.", "415-555-0132", .phone),
  Positive("Reach me on +44 20 7946 0958 after six.", "+44 20 7946 0958", .phone),
  Positive("Mon numéro : +33 1 23 45 67 89.", "+33 1 23 45 67 89", .phone),
  Positive("Büro: +49 (0)30 1234 5678", "+49 (0)30 1234 5678", .phone),
  Positive("Tokyo office +81-3-1234-5678, ask for Ken.", "+81-3-1234-5678", .phone),
  Positive("WhatsApp +91 98765 43210", "+91 98765 43210", .phone),
  Positive("From abroad dial 0044 20 7946 0958.", "0044 20 7946 0958", .phone),
  Positive("Office: (415) 555-0132 ext. 12", "(415) 555-0132", .phone),
  Positive("Toll free 1-800-555-0199!", "1-800-555-0199", .phone),
  Positive("Her cell is 415.555.0132; text first.", "415.555.0132", .phone),
  Positive("US line +1 415 555 0132 (mornings)", "+1 415 555 0132", .phone),
  Positive("London desk: 020 7946 0958.", "020 7946 0958", .phone),
  Positive("call me at 5550132 tonight", "5550132", .phone),
  Positive("my number is 4155550132", "4155550132", .phone),
  Positive("tel:+14155550132", "+14155550132", .phone),
  // Emails, including internationalised ones.
  Positive("Schreiben Sie an jürgen@bücher.de.", "jürgen@bücher.de", .email),
  Positive("邮箱 用户@例子.广告", "用户@例子.广告", .email),
  Positive("Στείλτε στο δοκιμή@παράδειγμα.δοκιμή σήμερα", "δοκιμή@παράδειγμα.δοκιμή", .email),
  Positive("Subscribe as ada+newsletter@example.org, please.", "ada+newsletter@example.org", .email),
  Positive("Ping first.last@mail.eng.example.co.uk about it", "first.last@mail.eng.example.co.uk", .email),
  Positive("Contact ADA.L@Example.COM.", "ADA.L@Example.COM", .email),
  Positive("From: Ben <ben_okafor@startup.io>", "ben_okafor@startup.io", .email),
  // US social security numbers.
  Positive("My SSN is 123-45-6789.", "123-45-6789", .ssn),
  Positive("SSN 123 45 6789", "123 45 6789", .ssn),
  Positive("ssn: 078051120", "078051120", .ssn),
  Positive("social security number 219-09-9999, dob withheld", "219-09-9999", .ssn),
  // Payment cards.
  Positive("4111 1111 1111 1111.", "4111 1111 1111 1111", .card),
  Positive("Pay with 5555-5555-5555-4444 today", "5555-5555-5555-4444", .card),
  Positive("Amex 3782 822463 10005 on file", "3782 822463 10005", .card),
  Positive("card 6011111111111117 exp 12/26", "6011111111111117", .card),
  Positive("JCB: 3530 1113 3330 0000, CVV later", "3530 1113 3330 0000", .card),
  // API keys.
  Positive("Stripe key sk_live_3qk3VLnCkn9VAOY4cEfv7DaL.", "sk_live_3qk3VLnCkn9VAOY4cEfv7DaL", .apiKey),
  Positive("test with sk_test_lMcTZ1GFkLZNgNpFdH3wLuJA", "sk_test_lMcTZ1GFkLZNgNpFdH3wLuJA", .apiKey),
  Positive("restricted: rk_live_Cd6Tz9eoD2uVDwwXwIxakvEf, rotate it", "rk_live_Cd6Tz9eoD2uVDwwXwIxakvEf", .apiKey),
  Positive("publishable pk_live_TRoNOd8D6iwMaTzaQOKwULOR", "pk_live_TRoNOd8D6iwMaTzaQOKwULOR", .apiKey),
  Positive(
    "aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    .apiKey),
  Positive(
    "The AWS secret is p8k3XdG3dj+jgvH/RGhPMHm5bCopkWviRQ1hoh41.", "p8k3XdG3dj+jgvH/RGhPMHm5bCopkWviRQ1hoh41",
    .apiKey),
  Positive(
    "I pasted wklSm63CQp21YEtnG9flyK98UYGXy8Q+PVRzUDFg by mistake", "wklSm63CQp21YEtnG9flyK98UYGXy8Q+PVRzUDFg",
    .apiKey),
  Positive("maps key AIzahk-bqiOxe7lJ9lKc5DmCvFWpHHyfNqvYJJt.", "AIzahk-bqiOxe7lJ9lKc5DmCvFWpHHyfNqvYJJt", .apiKey),
  Positive("id AKIAIOSFODNN7EXAMPLE, region eu-west-1", "AKIAIOSFODNN7EXAMPLE", .apiKey),
  Positive("my token ghp_P9hhPsXAonDoQwoWt7jrqEFRdu0TS7rTu3P6!", "ghp_P9hhPsXAonDoQwoWt7jrqEFRdu0TS7rTu3P6", .apiKey),
  Positive("use sk-proj-abcdefghijklmnopqrstuv.", "sk-proj-abcdefghijklmnopqrstuv", .apiKey),
  // Tokens and other labelled secrets.
  Positive("Authorization: Bearer abcdef1234567890XYZ", "abcdef1234567890XYZ", .token),
  Positive(
    "session eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U ok",
    "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U", .token),
  Positive("export API_KEY=Syj3SGx3oF9iU8wMuTWDI53L", "Syj3SGx3oF9iU8wMuTWDI53L", .token),
  Positive("clone https://ada:s3cr3tPass@git.example.com/repo.git", "s3cr3tPass", .token),
  Positive("my password is hunter2", "hunter2", .token),
  Positive("the password was: Tr0ub4dor&3", "Tr0ub4dor&3", .token),
  Positive("passphrase is correct horse", "correct horse", .token),
  Positive("The wifi password for the guest network is Sunfl0wer!22.", "Sunfl0wer!22", .token),
  Positive("Her PIN is 4821.", "4821", .token),
  Positive("Passwort: Geheim123", "Geheim123", .token),
  Positive("密码：abc12345", "abc12345", .token),
  Positive("my password is now hunter3", "hunter3", .token),
]

/// Texts that must come out unchanged, used while tuning.
private let tuningNegatives: [String] = [
  "Released 2024-05-01 as v1.2.3; 7 billion parameters, 4096 tokens, port 8080.",
  "Python 3.11.2 fixed the regression.",
  "The meeting is at 14:30 on 01/05/2024.",
  "It costs $1,299.99 (or €1.299,00 in Germany).",
  "Order number 4111 1111 1111 1112 was shipped.",
  "In 1999 we had 3 servers and 12 racks.",
  "Commit 3f786850e387550fdab836ed7e6dc881de23001b fixed it.",
  // UUIDs are identifiers, not secrets or personal data: left alone.
  "Request id 123e4567-e89b-12d3-a456-426614174000 failed.",
  "See https://example.com/docs/v1.2.3/install?page=2#setup for details.",
  "Reset your password if you forget it.",
  "Ping 192.168.1.1 and then 10.0.0.255.",
  "Pi is about 3.14159265358979.",
  "Use at most 15 retries.",
  "ISBN 978-0-306-40615-7 is the second edition.",
  "Your password is too short.",
  "The password is case-sensitive.",
  "Upgrade from v2.0.10 to v2.1.0-beta.3 first.",
  "Sales grew 12.5% to 1,234,567 units in Q3 2023.",
  "Run `pip install scikit-learn==1.4.2`.",
  "Coordinates 37.7749, -122.4194 (San Francisco).",
  "Dates: 01.05.2024 12:30, 2024/05/01, 05-01-2024 1300.",
  "Rows 001 002 003 004 005 are padded.",
  "Retina assets icon@2x.png and logo@3x.jpg; npm i react@18.2.0.",
  "git clone git@github.com:owner/repo.git",
  "Try sk-learn-compatible-estimators and hf_hub_download_function.",
  "AbstractSingletonProxyFactoryBean2Helper is a real class name.",
  "The secret: batch your writes.",
  "The password is then hashed with bcrypt.",
  "Your password was changed successfully.",
  "The password is 12 characters long.",
  "If the password is wrong, try again.",
]
/// Held out: written after the detectors above were frozen, and run once before any further
/// change (see the note in `PIIRedactorTableTests`).
private let heldOutPositives: [Positive] = [
  Positive("Text me at (212) 555-0187 tomorrow.", "(212) 555-0187", .phone),
  Positive("Support: +1-202-555-0143.", "+1-202-555-0143", .phone),
  Positive("Ruf an: 030 1234 5678", "030 1234 5678", .phone),
  Positive("Numéro : 01 23 45 67 89.", "01 23 45 67 89", .phone),
  Positive("Melbourne office +61 3 9876 5432", "+61 3 9876 5432", .phone),
  Positive("Mobile 07700 900 461, evenings only", "07700 900 461", .phone),
  Positive("São Paulo: +55 11 91234-5678", "+55 11 91234-5678", .phone),
  Positive("call 212.555.0187 x204", "212.555.0187", .phone),
  Positive("+353 1 234 5678 is the Dublin office", "+353 1 234 5678", .phone),
  Positive("reach us on 0044 161 496 0000.", "0044 161 496 0000", .phone),
  Positive("cc: maria.garcia-lopez@correo.example.es", "maria.garcia-lopez@correo.example.es", .email),
  Positive("ANDRÉ@société.fr wrote this", "ANDRÉ@société.fr", .email),
  Positive("notify ops-team+alerts@corp.example.com; thanks", "ops-team+alerts@corp.example.com", .email),
  Positive("Write to user_42@sub.domain.example.io!", "user_42@sub.domain.example.io", .email),
  Positive("Employee SSN: 512-34-7890.", "512-34-7890", .ssn),
  Positive("social security no. 457 55 5462", "457 55 5462", .ssn),
  Positive("Visa 4242 4242 4242 4242 exp 04/29", "4242 4242 4242 4242", .card),
  Positive("card number: 4000-0566-5566-5556", "4000-0566-5566-5556", .card),
  Positive("MC 5200828282828210.", "5200828282828210", .card),
  Positive("Diners 3622 720627 1667 works", "3622 720627 1667", .card),
  Positive("UnionPay 6200 0000 0000 0005", "6200 0000 0000 0005", .card),
  Positive("STRIPE_SECRET=sk_live_ekO5FbS2xYb040klt0OWVbeY", "sk_live_ekO5FbS2xYb040klt0OWVbeY", .apiKey),
  Positive(
    "GOOGLE_API_KEY: AIzaPYHZHHS-tCxi16hms50Z_dXas8wvIJpRBp5", "AIzaPYHZHHS-tCxi16hms50Z_dXas8wvIJpRBp5", .apiKey),
  Positive(
    "aws secret access key Pzf/jYumY8FCcUGVP6uv25D1rd9qRd1sA0Rb1tMw", "Pzf/jYumY8FCcUGVP6uv25D1rd9qRd1sA0Rb1tMw",
    .apiKey),
  Positive(
    "Found CcWdP9FgZltZIspikOVOLq4oVWhwNkOfH96KZD/Z in the logs.", "CcWdP9FgZltZIspikOVOLq4oVWhwNkOfH96KZD/Z",
    .apiKey),
  Positive("gitlab glpat-rHiiLHXPl8TXUydEnTiG.", "glpat-rHiiLHXPl8TXUydEnTiG", .apiKey),
  Positive(
    "Slack bot xoxb-2938475610-1234567890123-Clx30YHStmWAs0tHmInYFQU1",
    "xoxb-2938475610-1234567890123-Clx30YHStmWAs0tHmInYFQU1", .apiKey),
  Positive("OpenAI key sk-Clx30YHStmWAs0tHmInYFQU16cPnldOmS61b, do not share", "sk-Clx30YHStmWAs0tHmInYFQU16cPnldOmS61b", .apiKey),
  Positive("temporary ASIAY34FZKBOKMUTVV7A expires soon", "ASIAY34FZKBOKMUTVV7A", .apiKey),
  Positive("My password is: qwerty!234", "qwerty!234", .token),
  Positive("The Wi-Fi password is BlueSky2024, enjoy", "BlueSky2024", .token),
  Positive("the admin password was \"P@ssw0rd\".", "P@ssw0rd", .token),
  Positive("Our passphrase was purple monkey dishwasher.", "purple monkey dishwasher", .token),
  Positive("curl -H 'Authorization: Bearer ya29.a0AfH6SMBx3kLmN0pQr'", "ya29.a0AfH6SMBx3kLmN0pQr", .token),
  Positive("DATABASE_URL=postgres://app:Xy7!pQ2z@db.internal:5432/app", "Xy7!pQ2z", .token),
  Positive("password=Summer2024!", "Summer2024!", .token),
]

private let heldOutNegatives: [String] = [
  "The build took 12.5 seconds on macOS 14.4.1.",
  "Error code 0x80070005 appeared at 09:41:07.",
  "Tracking number 1Z999AA10123456784 shipped.",
  "Invoice 4242 4242 4242 4241 is overdue.",
  "Image digest sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855.",
  "Merged in 9fceb02d0ae598e95dc970b74767f19372d61af8 yesterday.",
  "Session 6ba7b810-9dad-11d1-80b4-00c04fd430c8 expired.",
  "Forgot your password? Click the link to reset it.",
  "A strong password is long and unique.",
  "Never share your password with anyone.",
  "Server at 172.16.254.1 port 5432.",
  "e = 2.718281828459045",
  "Temperatures ranged from -12.5 to 38.2 °C.",
  "Node v20.11.1 and npm 10.2.4.",
  "Scores: 3-2, 1-0, 2-2.",
  "ZIP code 94103-1234.",
  "The year 2038 problem affects 32-bit timestamps like 2147483647.",
  "Population: 8,045,311,447 (2023).",
  "Chapter 12, pages 345-367.",
  "https://github.com/apple/swift-argument-parser/releases/tag/1.3.0",
  "Use `@Test func` and `#expect` in Swift Testing.",
  "CVE-2024-3094 hit xz 5.6.0.",
  "Call the function twice.",
  "The token limit is 128000 tokens.",
  "Meet me on 2024-12-31 at 23:59.",
  "Set max_tokens to 4096 and temperature to 0.7.",
  "HTTP/1.1 404 Not Found",
  "MAC 00:1A:2B:3C:4D:5E",
  "The secret to good crawling is patience.",
  "Color #FF5733 and rgb(255, 87, 51).",
]
// END TABLE

/// Recall and precision of the redactor on the table above.
///
/// How the table was built: the tuning cases were written together with the patterns, which
/// were adjusted until all of them passed. The detectors were then frozen and the held-out cases
/// written without running them; their first run scored recall 35/36 (0.97) and 30/30 negatives
/// unchanged. The one miss (`0044 161 496 0000`: the rule against zero-padded lists counted the
/// `00` prefix group) was fixed afterwards, so the held-out set is no longer strictly unseen.
///
/// A positive counts when its secret no longer appears in the output; a negative when the output
/// is the input unchanged. Design choices the negatives pin down: UUIDs, git SHAs, IP addresses,
/// dates, versions, prices and numbers that fail the Luhn checksum are not personal data.
struct PIIRedactorTableTests {
  let redactor = PIIRedactor()

  private var positives: [Positive] { tuningPositives + heldOutPositives }
  private var negatives: [String] { tuningNegatives + heldOutNegatives }

  @Test func tableIsLargeAndCoversEveryKind() {
    #expect(positives.count >= 60)
    #expect(negatives.count >= 40)
    #expect(Set(positives.map(\.kind)) == Set(PIIRedactor.Kind.allCases))
    for positive in positives {
      #expect(positive.text.contains(positive.secret), "the secret is not in the case: \(positive.text)")
    }
  }

  @Test func recallAndPrecisionOnTheTable() {
    var misses: [String] = []
    var wrongKind: [String] = []
    for positive in positives {
      let (text, findings) = redactor.redact(positive.text)
      if text.contains(positive.secret) { misses.append("\(positive.kind): \(positive.text) -> \(text)") }
      if !findings.contains(where: { $0.kind == positive.kind }) {
        wrongKind.append("\(positive.kind): \(positive.text) -> \(findings.map(\.kind))")
      }
    }
    let falsePositives = negatives.compactMap { text in
      let output = redactor.redact(text).text
      return output == text ? nil : "\(text) -> \(output)"
    }
    let recall = Double(positives.count - misses.count) / Double(positives.count)
    let precision = Double(negatives.count - falsePositives.count) / Double(negatives.count)
    let kindAccuracy = Double(positives.count - wrongKind.count) / Double(positives.count)
    print(
      "PIIRedactor table: recall \(recall) on \(positives.count) positives, "
        + "precision on negatives \(precision) on \(negatives.count) negatives, kind accuracy \(kindAccuracy)")
    for line in misses { print("  missed \(line)") }
    for line in falsePositives { print("  false positive \(line)") }
    for line in wrongKind { print("  wrong kind \(line)") }
    #expect(recall >= 0.95, "missed: \(misses)")
    #expect(precision >= 0.95, "false positives: \(falsePositives)")
    #expect(kindAccuracy >= 0.95, "wrong kind: \(wrongKind)")
  }

  @Test func exactOutputs() {
    // The security review's two examples: a sentence's final period is not part of a number.
    #expect(redactor.redact("call 415-555-0132.").text == "call [REDACTED_PHONE].")
    #expect(redactor.redact("4111 1111 1111 1111.").text == "[REDACTED_CARD].")
    // Labels stay readable; only the value goes.
    #expect(redactor.redact("my password is hunter2").text == "my password is [REDACTED_TOKEN]")
    #expect(redactor.redact("the password was: Tr0ub4dor&3").text == "the password was: [REDACTED_TOKEN]")
    #expect(redactor.redact("SSN 123 45 6789").text == "SSN [REDACTED_SSN]")
    #expect(redactor.redact("Mail jürgen@bücher.de.").text == "Mail [REDACTED_EMAIL].")
    #expect(
      redactor.redact("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY").text
        == "aws_secret_access_key=[REDACTED_API_KEY]")
    // A card is one finding, not a phone number and a leftover group.
    let card = redactor.redact("Pay 5555-5555-5555-4444 now")
    #expect(card.text == "Pay [REDACTED_CARD] now")
    #expect(card.findings.map(\.kind) == [.card])
    #expect(card.findings.map(\.length) == [19])
    // A git SHA-1 is 40 characters like an AWS secret, but hex.
    let sha = "git show 3f786850e387550fdab836ed7e6dc881de23001b"
    #expect(redactor.redact(sha).text == sha)
  }
}
