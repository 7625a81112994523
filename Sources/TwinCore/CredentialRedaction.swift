/// Removes user names and passwords from URLs before they reach a message or a log.
///
/// Links such as `https://user:token@github.com/org/repo` carry secrets; errors quote the links
/// they are about (and git quotes them in its own errors), so every URL-shaped run in a message
/// loses its `userinfo@` part. Links are stored, shown and traced the same way: a document's link,
/// a run's parameters and a RAG source never carry the credentials a user typed.
public enum CredentialRedaction {
  /// `text` with the userinfo of every `scheme://userinfo@host` occurrence removed.
  public static func redact(_ text: String) -> String {
    let scalars = Array(text.unicodeScalars)
    var output = String.UnicodeScalarView()
    var index = 0
    while index < scalars.count {
      guard isSchemeSeparator(scalars, at: index) else {
        output.append(scalars[index])
        index += 1
        continue
      }
      output.append(contentsOf: "://".unicodeScalars)
      index += 3
      // The authority runs to the first character that cannot be part of it.
      var end = index
      while end < scalars.count, !isAuthorityTerminator(scalars[end]) { end += 1 }
      let authority = scalars[index..<end]
      if let at = authority.lastIndex(of: "@") {
        output.append(contentsOf: scalars[(at + 1)..<end])
      } else {
        output.append(contentsOf: authority)
      }
      index = end
    }
    return String(output)
  }

  private static func isSchemeSeparator(_ s: [Unicode.Scalar], at i: Int) -> Bool {
    i + 2 < s.count && s[i] == ":" && s[i + 1] == "/" && s[i + 2] == "/"
  }

  private static func isAuthorityTerminator(_ c: Unicode.Scalar) -> Bool {
    switch c {
    case "/", "?", "#", " ", "\t", "\n", "\r", "'", "\"", "<", ">": true
    default: false
    }
  }
}
