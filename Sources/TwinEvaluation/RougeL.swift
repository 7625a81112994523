/// ROUGE-L: how much of a reference's word sequence an answer keeps in order, as the
/// F-measure of the longest common subsequence (Lin, 2004).
///
/// Words are runs of letters and digits, lower-cased; `P = LCS/|answer|`, `R = LCS/|reference|`,
/// `F = 2PR/(P+R)`, which is what the `rouge-score` package reports as `rougeL` `fmeasure`
/// (without its stemmer).
public enum RougeL {
  /// The F-measure of `answer` against `reference`, in 0...1; 0 when either has no word.
  public static func score(_ answer: String, reference: String) -> Double {
    let (a, r) = (words(answer), words(reference))
    guard !a.isEmpty, !r.isEmpty else { return 0 }
    let lcs = Double(longestCommonSubsequence(a, r))
    guard lcs > 0 else { return 0 }
    let precision = lcs / Double(a.count)
    let recall = lcs / Double(r.count)
    return 2 * precision * recall / (precision + recall)
  }

  /// Lower-cased runs of letters and digits.
  static func words(_ text: String) -> [Substring] {
    text.lowercased().split { !($0.isLetter || $0.isNumber) }
  }

  /// The length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) memory.
  static func longestCommonSubsequence(_ a: [Substring], _ b: [Substring]) -> Int {
    var previous = [Int](repeating: 0, count: b.count + 1)
    var current = previous
    for x in a {
      for (j, y) in b.enumerated() {
        current[j + 1] = x == y ? previous[j] + 1 : max(previous[j + 1], current[j])
      }
      swap(&previous, &current)
    }
    return previous[b.count]
  }
}
