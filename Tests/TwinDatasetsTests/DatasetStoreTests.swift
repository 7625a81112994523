import Foundation
import Testing
import TwinCore
import TwinSQLite

@Suite struct DatasetStoreTests {
  func workspace() throws -> Workspace {
    try Workspace(path: FileManager.default.temporaryDirectory.appendingPathComponent("twin-datasets-\(UUID())").path)
  }

  func samples(_ n: Int, rejected: Bool = false) -> [DatasetSample] {
    (0..<n).map {
      DatasetSample(
        instruction: "Question \($0)?", answer: "Answer \($0).", rejected: rejected ? "Meh." : nil,
        category: $0 % 2 == 0 ? .articles : .posts, split: $0 == 0 ? .test : .train,
        source: SampleSource(documentID: UUID(uuidString: "00000000-0000-0000-0000-00000000000\($0 % 10)"), extractID: "x\($0)"))
    }
  }

  @Test func versionsCountUpAndTheSameSamplesAreNotStoredTwice() async throws {
    let store = try workspace().datasets
    let (v1, created1) = try await store.save(NewDataset(name: "instruct", kind: .instruct, samples: samples(3)))
    #expect(v1.version == 1 && created1)
    let (again, created) = try await store.save(NewDataset(name: "instruct", kind: .instruct, samples: samples(3)))
    #expect(again.label == v1.label && again.contentHash == v1.contentHash && !created)
    let (v2, _) = try await store.save(NewDataset(name: "instruct", kind: .instruct, samples: samples(4)))
    #expect(v2.version == 2)
    #expect(try await store.version(DatasetReference(parsing: "instruct@latest")).label == "instruct@2")
    #expect(try await store.version(DatasetReference(parsing: "instruct@1")).contentHash == v1.contentHash)
    #expect(v2.counts == [.test: [.articles: 1], .train: [.posts: 2, .articles: 1]])
    #expect(try await store.samples(of: v2, split: nil, limit: nil) == samples(4))
    #expect(try await store.samples(of: v2, split: .test, limit: nil).count == 1)
    #expect(try await store.samples(of: v2, split: nil, limit: 2).count == 2)
    #expect(try await store.versions(name: nil).map(\.label) == ["instruct@2", "instruct@1"])
  }

  @Test func unknownDatasetsAndVersionsNameWhatExists() async throws {
    let store = try workspace().datasets
    await #expect(throws: TwinError.notFound(
      kind: .dataset, name: "instruct@latest", hint: "there are no datasets yet: `twin datasets generate` makes one")) {
      try await store.version(DatasetReference(name: "instruct"))
    }
    _ = try await store.save(NewDataset(name: "instruct", kind: .instruct, samples: samples(1)))
    await #expect(throws: TwinError.notFound(kind: .dataset, name: "instruct@7", hint: "'instruct' has versions 1 to 1")) {
      try await store.version(DatasetReference(name: "instruct", version: 7))
    }
    #expect(throws: TwinError.self) { try DatasetReference(parsing: "instruct@0") }
    #expect(throws: TwinError.self) { try DatasetReference(parsing: "a/b@1") }
  }

  @Test func invalidDatasetsLeaveNothingWritten() async throws {
    let store = try workspace().datasets
    _ = try await store.save(NewDataset(name: "pairs", kind: .preference, samples: samples(2, rejected: true)))
    await #expect(throws: TwinError.self) {
      try await store.save(NewDataset(name: "pairs", kind: .instruct, samples: samples(2)))
    }
    await #expect(throws: TwinError.self) {
      try await store.save(NewDataset(name: "pairs", kind: .preference, samples: samples(2)))
    }
    #expect(try await store.versions(name: "pairs").count == 1)
  }

  @Test func feedbackUsedBySamplesIsRemembered() async throws {
    let store = try workspace().datasets
    var sample = samples(1, rejected: true)[0]
    sample.source = SampleSource(feedbackID: 42)
    _ = try await store.save(NewDataset(name: "feedback", kind: .preference, samples: [sample]))
    #expect(try await store.usedFeedbackIDs() == [42])
  }
}
