import Foundation

/// Parses the two date formats feeds use, without `DateFormatter` (locale-sensitive and slow):
/// RFC 822/2822 (`Mon, 02 Jan 2006 15:04:05 -0700`, RSS) and RFC 3339 (`2006-01-02T15:04:05Z`,
/// Atom and Dublin Core). Both are accepted everywhere, since feeds mix them up.
enum InternetDate {
  /// The date `text` denotes, or nil when it is in neither format.
  static func parse(_ text: String) -> Date? {
    let trimmed = TextNormalization.collapsed(text)
    guard !trimmed.isEmpty else { return nil }
    if let first = trimmed.utf8.first, first >= 0x30, first <= 0x39,
      let date = rfc3339(trimmed)
    {
      return date
    }
    return rfc822(trimmed)
  }

  /// `YYYY-MM-DD[(T|t| )HH:MM[:SS[.fraction]][Z|±HH:MM|±HHMM]]`; no zone means UTC.
  static func rfc3339(_ text: String) -> Date? {
    var scanner = DigitScanner(Array(text.utf8))
    guard let year = scanner.number(digits: 4), scanner.skip(0x2D),
      let month = scanner.number(digits: 2), scanner.skip(0x2D),
      let day = scanner.number(digits: 2)
    else { return nil }
    if scanner.atEnd { return make(year, month, day, 0, 0, 0, offset: 0) }
    guard scanner.skip(0x54) || scanner.skip(0x74) || scanner.skip(0x20),
      let hour = scanner.number(digits: 2), scanner.skip(0x3A),
      let minute = scanner.number(digits: 2)
    else { return nil }
    var second = 0.0
    if scanner.skip(0x3A) {
      guard let whole = scanner.number(digits: 2) else { return nil }
      second = Double(whole) + scanner.fraction()
    }
    var offset = 0
    if scanner.skip(0x5A) || scanner.skip(0x7A) || scanner.atEnd {
      offset = 0
    } else if let sign = scanner.sign(), let zoneHours = scanner.number(digits: 2) {
      _ = scanner.skip(0x3A)
      let zoneMinutes = scanner.number(digits: 2) ?? 0
      offset = sign * (zoneHours * 3600 + zoneMinutes * 60)
    } else {
      return nil
    }
    guard scanner.atEnd else { return nil }
    return make(year, month, day, hour, minute, second, offset: offset)
  }

  /// `[Day,] DD Mon YYYY HH:MM[:SS] [zone]`, with two-digit years and named US zones allowed.
  static func rfc822(_ text: String) -> Date? {
    var tokens = text.split(whereSeparator: { $0 == " " || $0 == "," }).map(String.init)
    if let first = tokens.first, first.first?.isLetter == true { tokens.removeFirst() }
    guard tokens.count >= 4, let day = Int(tokens[0]), let month = monthNumber(tokens[1]),
      var year = Int(tokens[2])
    else { return nil }
    if tokens[2].count == 2 { year += year < 50 ? 2000 : 1900 }
    let time = tokens[3].split(separator: ":").map { Int($0) }
    guard time.count >= 2, time.allSatisfy({ $0 != nil }) else { return nil }
    let second = time.count > 2 ? Double(time[2]!) : 0
    let offset = tokens.count > 4 ? zoneOffset(tokens[4]) : 0
    guard let offset else { return nil }
    return make(year, month, day, time[0]!, time[1]!, second, offset: offset)
  }

  private static let months = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
  ]

  private static func monthNumber(_ name: String) -> Int? {
    months.firstIndex(of: String(name.prefix(3)).lowercased()).map { $0 + 1 }
  }

  /// Seconds east of UTC for `+hhmm`, `-hhmm` or a zone name RFC 822 allows.
  private static func zoneOffset(_ zone: String) -> Int? {
    if let sign = zone.first, sign == "+" || sign == "-" {
      let digits = zone.dropFirst().filter(\.isNumber)
      guard digits.count == 4, let value = Int(digits) else { return nil }
      let seconds = (value / 100) * 3600 + (value % 100) * 60
      return sign == "-" ? -seconds : seconds
    }
    let named: [String: Int] = [
      "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5,
      "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    ]
    // Military single-letter zones were specified with the wrong sign; RFC 2822 says treat as 0.
    return (named[zone.uppercased()] ?? 0) * 3600
  }

  /// The instant of a civil date and time at `offset` seconds east of UTC, or nil when a field is
  /// out of range.
  private static func make(
    _ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Double,
    offset: Int
  ) -> Date? {
    guard (1...12).contains(month), (1...31).contains(day), (0...24).contains(hour),
      (0...59).contains(minute), second >= 0, second < 61
    else { return nil }
    let days = daysSinceEpoch(year: year, month: month, day: day)
    let seconds = Double(days * 86_400 + hour * 3600 + minute * 60 - offset) + second
    return Date(timeIntervalSince1970: seconds)
  }

  /// Days from 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
  private static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
    let y = month <= 2 ? year - 1 : year
    let era = (y >= 0 ? y : y - 399) / 400
    let yearOfEra = y - era * 400
    let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
    let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
    return era * 146_097 + dayOfEra - 719_468
  }
}

/// Reads fixed-width numbers and separators from ASCII bytes.
private struct DigitScanner {
  private let bytes: [UInt8]
  private var index = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  var atEnd: Bool { index == bytes.count }

  mutating func number(digits: Int) -> Int? {
    guard index + digits <= bytes.count else { return nil }
    var value = 0
    for byte in bytes[index..<index + digits] {
      guard byte >= 0x30, byte <= 0x39 else { return nil }
      value = value * 10 + Int(byte - 0x30)
    }
    index += digits
    return value
  }

  mutating func skip(_ byte: UInt8) -> Bool {
    guard index < bytes.count, bytes[index] == byte else { return false }
    index += 1
    return true
  }

  /// `.123` → 0.123 (any number of digits); 0 when there is no fraction.
  mutating func fraction() -> Double {
    guard skip(0x2E) else { return 0 }
    var value = 0.0
    var scale = 0.1
    while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
      value += Double(bytes[index] - 0x30) * scale
      scale /= 10
      index += 1
    }
    return value
  }

  /// +1 or -1 for a zone sign.
  mutating func sign() -> Int? {
    if skip(0x2B) { return 1 }
    if skip(0x2D) { return -1 }
    return nil
  }
}
