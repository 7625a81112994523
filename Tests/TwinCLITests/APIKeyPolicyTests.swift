import Foundation
import Testing
import TwinCore
import TwinServer

/// Who may start a server, and with which keys. An empty key once turned authentication off
/// while the banner said "(API key required)".
@Suite struct APIKeyPolicyTests {
  @Test func emptyOrBlankKeysAreRefusedAnywhere() {
    for host in ["0.0.0.0", "127.0.0.1"] {
      for key in ["", "   ", "\t\n"] {
        #expect(throws: TwinError.self) { try APIKeyPolicy(options: [key], environment: nil, host: host) }
        #expect(throws: TwinError.self) { try APIKeyPolicy(options: ["good", key], environment: nil, host: host) }
      }
      #expect(throws: TwinError.self) { try APIKeyPolicy(options: [], environment: "a,,b", host: host) }
      #expect(throws: TwinError.self) { try APIKeyPolicy(options: [], environment: "a, ", host: host) }
    }
  }

  @Test func offLoopbackAKeyIsRequired() throws {
    #expect(throws: TwinError.self) { try APIKeyPolicy(options: [], environment: nil, host: "0.0.0.0") }
    // A variable set to nothing is no key at all.
    #expect(throws: TwinError.self) { try APIKeyPolicy(options: [], environment: "", host: "0.0.0.0") }
    #expect(try APIKeyPolicy(options: [], environment: nil, host: "127.0.0.1").required == false)
    let policy = try APIKeyPolicy(options: ["k1"], environment: " k2 ,k3", host: "0.0.0.0")
    #expect(policy.keys == ["k1", "k2", "k3"])
    #expect(policy.required)
  }

  @Test func theCommandRefusesAnEmptyKeyBeforeListening() async throws {
    let twin = try TwinProcess()
    for command in [["serve", "api"], ["serve", "llm"]] {
      let result = try await twin.run(command + ["--host", "0.0.0.0", "--port", "0", "--api-key", ""])
      #expect(result.status != 0)
      #expect(result.stderr.contains("--api-key number 1 is empty"), "\(result.stderr)")
      #expect(!result.stdout.contains("serving"))
    }
  }
}
