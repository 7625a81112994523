import Foundation
import TwinCore

/// A step's output, named with its type: pipelines declare one per step
/// (`FeaturePipeline.loadReport`), steps read their inputs through it and callers read a run's
/// results through it, so no one decodes an artifact found by a string.
///
/// Artifacts are small manifests (ids, hashes, counts, ``BlobRef``s); bulk data (documents,
/// vectors, datasets, checkpoints) lives in the stores and the blob store they point to.
public struct ArtifactKey<Value: Codable & Sendable>: Sendable, Hashable {
  /// The step that produces it.
  public let step: String

  public init(step: String) { self.step = step }
}

extension StepContext {
  /// The output of the dependency that produces `key`.
  ///
  /// - Throws: ``TwinError/notFound(kind:name:hint:)`` when this step does not depend on it,
  ///   ``TwinError/storage(_:)`` when the artifact is not a `Value`.
  public func input<Value>(_ key: ArtifactKey<Value>) throws -> Value {
    guard let value = inputs[key.step] else {
      throw TwinError.notFound(
        kind: .stepInput, name: "'\(key.step)' → '\(stepName)'", hint: "step '\(stepName)' does not depend on it")
    }
    return try ArtifactCoding.decode(value, as: Value.self, what: "the output of step '\(key.step)'")
  }
}

extension RunResult {
  /// The output `key` names, or nil when its step did not succeed (or was not run).
  public func output<Value>(_ key: ArtifactKey<Value>) throws -> Value? {
    guard let value = outputs[key.step] else { return nil }
    return try ArtifactCoding.decode(value, as: Value.self, what: "the output of step '\(key.step)'")
  }
}

extension Step {
  /// A step whose output is `key`'s type: the body returns the value and its metadata.
  public init<Value>(
    _ key: ArtifactKey<Value>, codeVersion: String, dependsOn: [String] = [], parameters: JSONValue = .object([:]),
    cache: CachePolicy = .enabled, outputName: String? = nil,
    body: @escaping @Sendable (StepContext) async throws -> (Value, [String: JSONValue])
  ) {
    self.init(
      name: key.step, codeVersion: codeVersion, dependsOn: dependsOn, parameters: parameters, cache: cache,
      outputName: outputName
    ) { context in
      let (value, metadata) = try await body(context)
      return try StepOutput(value, metadata: metadata)
    }
  }
}

/// JSON artifacts read back as their types.
enum ArtifactCoding {
  static func decode<Value: Decodable>(_ value: JSONValue, as type: Value.Type, what: String) throws -> Value {
    do {
      return try JSONDecoder().decode(Value.self, from: Data(value.canonicalJSON.utf8))
    } catch {
      throw TwinError.storage("\(what) is not a \(Value.self): \(error)")
    }
  }
}
