/// BERT's pre-tokenisation, as Hugging Face `tokenizers`' `BertPreTokenizer` does it: split on
/// whitespace (dropping it), then make every punctuation character a word of its own.
enum BertPreTokenizer {
  /// Calls `body` with the range of each word of `text[range]`, in order; stops early when
  /// `body` returns false. Returns false if it stopped early.
  @inline(__always)
  @discardableResult
  static func forEachWord(
    in text: [UInt32], range: Range<Int>, _ body: (Range<Int>) -> Bool
  ) -> Bool {
    let classes = ScalarClasses.shared
    var wordStart = range.lowerBound
    var index = range.lowerBound
    while index < range.upperBound {
      let flags = classes.flags(text[index])
      if flags & (ScalarClasses.whitespace | ScalarClasses.punctuation) != 0 {
        if wordStart < index && !body(wordStart..<index) { return false }
        if flags & ScalarClasses.punctuation != 0 && !body(index..<index + 1) { return false }
        wordStart = index + 1
      }
      index += 1
    }
    if wordStart < range.upperBound && !body(wordStart..<range.upperBound) { return false }
    return true
  }
}
