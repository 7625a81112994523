import CLibXML2

/// libxml2's process-wide set-up, done once.
///
/// `xmlInitParser` must run before parsers are used from several threads at once; libxml2 keeps
/// its state for the life of the process, so library code never calls `xmlCleanupParser` (that
/// would pull the rug from under any other parse in flight).
enum LibXMLSetup {
  private static let initialised: Void = xmlInitParser()

  /// Initialises libxml2 once and silences its error printing on the calling thread.
  ///
  /// The generic error handler is thread-local in libxml2, so it is set before every parse:
  /// encoding errors bypass the parser's NOERROR option and would otherwise reach stderr.
  static func prepareForParsing() {
    _ = initialised
    twin_xml_silence_errors()
  }
}
