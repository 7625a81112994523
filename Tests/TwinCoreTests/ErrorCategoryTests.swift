import Testing
import TwinCore

@Suite struct ErrorCategoryTests {
  @Test func everyTwinErrorHasItsCategory() {
    #expect(ErrorCategory(of: TwinError.invalidInput("x")) == .invalidInput)
    #expect(ErrorCategory(of: TwinError.configuration("x")) == .configuration)
    #expect(ErrorCategory(of: TwinError.notFound(kind: .trace, name: "t1")) == .notFound)
    #expect(ErrorCategory(of: TwinError.storage("x")) == .storage)
    #expect(ErrorCategory(of: LanguageModelError.backend("down")) == .unavailable)
    #expect(ErrorCategory(of: LanguageModelError.invalidRequest("bad")) == .invalidInput)
    #expect(ErrorCategory(of: CancellationError()) == .failed)
  }

  /// Exit statuses follow sysexits.h and stay clear of ArgumentParser's 64 (usage) and 1.
  @Test func exitCodesAndStatusesAreTheConventionalOnes() {
    let codes = ErrorCategory.allCases.map(\.exitCode)
    #expect(codes.allSatisfy { (65...78).contains($0) })
    #expect(ErrorCategory.notFound.exitCode == 66 && ErrorCategory.configuration.exitCode == 78)
    #expect(ErrorCategory.notFound.httpStatus == 404 && ErrorCategory.invalidInput.httpStatus == 400)
    #expect(ErrorCategory.blocked.httpStatus == 422 && ErrorCategory.timeout.httpStatus == 503)
  }

  @Test func notFoundNamesTheKindAndTheThing() {
    let error = TwinError.notFound(kind: .collection, name: "'embedded_posts'", hint: "it was dropped")
    #expect("\(error)" == "not found: collection 'embedded_posts' (it was dropped)")
    guard case .notFound(kind: .collection, _, _) = error else {
      Issue.record("the kind is matchable")
      return
    }
  }

  @Test func finishReasonsFromServers() {
    #expect(Completion.FinishReason(wire: "length") == .length)
    #expect(Completion.FinishReason(wire: "tool_calls") == .toolCalls)
    #expect(Completion.FinishReason(wire: "function_call") == .toolCalls)
    #expect(Completion.FinishReason(wire: "abort") == .stop)
    #expect(Completion.FinishReason(wire: nil) == .stop)
  }
}
