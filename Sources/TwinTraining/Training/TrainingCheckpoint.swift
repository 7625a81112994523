import Foundation
import TwinCore
import TwinWeights

/// A training run's state after a step: the adapter, the optimiser's moments and the step.
///
/// Together with the settings and the data (whose order follows from the seed), that is all a
/// run needs to continue exactly where it stopped. A checkpoint is a folder, written under a
/// temporary name and renamed into place, so a kill mid-write leaves the previous checkpoint
/// as the latest.
public struct TrainingCheckpoint: Sendable {
  /// Optimiser steps completed.
  public var step: Int
  /// The adapter's matrices, in ``LoRAAdapter/parameters`` order.
  public var parameters: [[Float]]
  /// AdamW's first moments, same order.
  public var firstMoments: [[Float]]
  /// AdamW's second moments.
  public var secondMoments: [[Float]]
  /// The loss curve so far, one value per step (resumed runs continue it).
  public var losses: [Double]

  /// The state of `adapter` and `optimizer` after `step` steps.
  public init(step: Int, adapter: LoRAAdapter, optimizer: AdamW, losses: [Double]) {
    self.step = step
    parameters = adapter.parameters.map(\.value.values)
    firstMoments = optimizer.firstMoments.map(\.values)
    secondMoments = optimizer.secondMoments.map(\.values)
    self.losses = losses
  }

  /// Copies the state into `adapter` and `optimizer`.
  public func restore(into adapter: LoRAAdapter, optimizer: AdamW) {
    for (p, values) in zip(adapter.parameters, parameters) {
      p.value.assign(Tensor(rows: p.value.rows, cols: p.value.cols, values: values))
    }
    optimizer.restore(firstMoments: firstMoments, secondMoments: secondMoments, steps: step)
  }

  private struct State: Codable {
    var step: Int
    var losses: [Double]
    var shapes: [[Int]]
  }

  /// The folder name of the checkpoint after `step`.
  static func folderName(step: Int) -> String { String(format: "step-%08d", step) }

  /// Writes the checkpoint as `directory/step-NNNNNNNN`, atomically, and removes older ones.
  public func save(in directory: URL, adapter: LoRAAdapter) throws {
    let fm = FileManager.default
    try fm.createDirectory(at: directory, withIntermediateDirectories: true)
    let partial = directory.appendingPathComponent(".partial-\(UUID().uuidString)")
    try fm.createDirectory(at: partial, withIntermediateDirectories: true)
    defer { try? fm.removeItem(at: partial) }
    let names = adapter.parameters.map(\.name)
    let shapes = adapter.parameters.map { [$0.value.rows, $0.value.cols] }
    func entries(_ prefix: String, _ arrays: [[Float]]) -> [SafetensorsWriter.Entry] {
      zip(zip(names, shapes), arrays).map { SafetensorsWriter.Entry(name: prefix + $0.0, shape: $0.1, values: $1) }
    }
    try SafetensorsWriter.write(
      entries("", parameters) + entries("adam.m.", firstMoments) + entries("adam.v.", secondMoments),
      to: partial.appendingPathComponent("state.safetensors"))
    try AtomicFile.write(
      JSONEncoder().encode(State(step: step, losses: losses, shapes: shapes)), to: partial.appendingPathComponent("state.json"))
    let final = directory.appendingPathComponent(Self.folderName(step: step))
    if fm.fileExists(atPath: final.path) { try fm.removeItem(at: final) }
    try fm.moveItem(at: partial, to: final)
    for old in try fm.contentsOfDirectory(atPath: directory.path) where old.hasPrefix("step-") && old < final.lastPathComponent {
      try? fm.removeItem(at: directory.appendingPathComponent(old))
    }
  }

  /// The latest complete checkpoint in `directory`, or nil when there is none.
  ///
  /// - Throws: ``TrainingError/badFile(path:reason:)`` when it does not fit `adapter`'s shape.
  public static func latest(in directory: URL, adapter: LoRAAdapter) throws -> TrainingCheckpoint? {
    let fm = FileManager.default
    guard let entries = try? fm.contentsOfDirectory(atPath: directory.path),
      let newest = entries.filter({ $0.hasPrefix("step-") }).max()
    else { return nil }
    let folder = directory.appendingPathComponent(newest)
    let stateURL = folder.appendingPathComponent("state.json")
    let state: State
    do {
      state = try JSONDecoder().decode(State.self, from: Data(contentsOf: stateURL))
    } catch {
      throw TrainingError.badFile(path: stateURL.path, reason: "unreadable checkpoint state: \(error)")
    }
    let expected = adapter.parameters.map { [$0.value.rows, $0.value.cols] }
    guard state.shapes == expected else {
      throw TrainingError.badFile(path: folder.path, reason: "the checkpoint's adapter has a different shape")
    }
    let file = try SafetensorsFile(url: folder.appendingPathComponent("state.safetensors"))
    let names = adapter.parameters.map(\.name)
    var checkpoint = TrainingCheckpoint(
      step: state.step, parameters: [], firstMoments: [], secondMoments: [], losses: state.losses)
    checkpoint.parameters = try names.map { try file.floats($0) }
    checkpoint.firstMoments = try names.map { try file.floats("adam.m." + $0) }
    checkpoint.secondMoments = try names.map { try file.floats("adam.v." + $0) }
    return checkpoint
  }

  private init(step: Int, parameters: [[Float]], firstMoments: [[Float]], secondMoments: [[Float]], losses: [Double]) {
    self.step = step
    self.parameters = parameters
    self.firstMoments = firstMoments
    self.secondMoments = secondMoments
    self.losses = losses
  }
}
