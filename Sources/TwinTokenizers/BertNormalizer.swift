/// BERT's text normalisation, as Hugging Face `tokenizers`' `BertNormalizer` applies it:
/// clean the text, space out CJK ideographs, strip accents, lowercase — in that order, because
/// each step sees the previous step's output (for example 'İ' loses its dot before lowercasing).
struct BertNormalizer: Sendable, Equatable {
  /// Remove control and format characters; turn every whitespace character into ' '.
  var cleanText: Bool
  /// Surround CJK ideographs with spaces so each becomes a word.
  var handleChineseChars: Bool
  /// Decompose (NFD) and delete nonspacing marks.
  var stripAccents: Bool
  /// Lowercase one code point at a time (no context rules such as Greek final sigma).
  var lowercase: Bool

  /// What each ASCII code point becomes under these settings ('dropped' when removed): ASCII is
  /// most of the text, and one table read replaces the chain of tests below.
  private let asciiOutput: [UInt32]
  private static let dropped = UInt32.max

  /// `stripAccents: nil` follows `lowercase`, as in BERT's original uncased models.
  init(cleanText: Bool, handleChineseChars: Bool, stripAccents: Bool?, lowercase: Bool) {
    self.cleanText = cleanText
    self.handleChineseChars = handleChineseChars
    self.stripAccents = stripAccents ?? lowercase
    self.lowercase = lowercase
    // No ASCII code point is a CJK ideograph, a mark or decomposable, so each maps to at most one.
    let classes = ScalarClasses.shared
    asciiOutput = (0..<128).map { (scalar: UInt32) in
      let flags = classes.flags(scalar)
      if cleanText && flags & ScalarClasses.removed != 0 { return Self.dropped }
      if cleanText && flags & ScalarClasses.whitespace != 0 { return 0x20 }
      if lowercase && flags & ScalarClasses.hasLowercase != 0 { return scalar | 0x20 }
      return scalar
    }
  }

  /// A normalizer that changes nothing (a tokenizer.json with `"normalizer": null`).
  static let identity = BertNormalizer(
    cleanText: false, handleChineseChars: false, stripAccents: false, lowercase: false)

  /// Appends the normalised form of `input` (code points) to `output`.
  ///
  /// Working code point by code point is exact because each step maps single code points. The
  /// one thing this skips is NFD's canonical reordering of combining marks. That only shows when
  /// two marks that survive stripping (not nonspacing in the reference's tables) stand out of
  /// canonical order, which real text does not do; almost every reorderable mark is deleted.
  func normalize(_ input: ArraySlice<UInt32>, into output: inout [UInt32]) {
    let classes = ScalarClasses.shared
    for scalar in input {
      if scalar < 0x80 {
        let mapped = asciiOutput[Int(scalar)]
        if mapped != Self.dropped { output.append(mapped) }
        continue
      }
      let flags = classes.flags(scalar)
      if cleanText {
        if flags & ScalarClasses.removed != 0 { continue }
        if flags & ScalarClasses.whitespace != 0 {
          output.append(0x20)
          continue
        }
      }
      if handleChineseChars && flags & ScalarClasses.chinese != 0 {
        output.append(0x20)
        appendStrippedAndLowercased(scalar, flags: flags, classes: classes, to: &output)
        output.append(0x20)
      } else {
        appendStrippedAndLowercased(scalar, flags: flags, classes: classes, to: &output)
      }
    }
  }

  @inline(__always)
  private func appendStrippedAndLowercased(
    _ scalar: UInt32, flags: UInt8, classes: ScalarClasses, to output: inout [UInt32]
  ) {
    guard stripAccents, flags & (ScalarClasses.nonspacingMark | ScalarClasses.decomposes) != 0
    else {
      appendLowercased(scalar, flags: flags, classes: classes, to: &output)
      return
    }
    if flags & ScalarClasses.nonspacingMark != 0 { return }
    classes.forEachDecomposed(scalar) { part in
      appendLowercased(part, flags: classes.flags(part), classes: classes, to: &output)
    }
  }

  @inline(__always)
  private func appendLowercased(
    _ scalar: UInt32, flags: UInt8, classes: ScalarClasses, to output: inout [UInt32]
  ) {
    if lowercase && flags & ScalarClasses.hasLowercase != 0 {
      classes.appendLowercase(of: scalar, to: &output)
    } else {
      output.append(scalar)
    }
  }
}
