import TwinCore

/// A named DAG of steps.
public struct Pipeline: Sendable {
  public var name: String
  public var steps: [Step]
  /// Recorded with the run: what the pipeline was asked to do.
  public var parameters: JSONValue

  /// - Throws: ``TwinError/invalidInput(_:)`` for duplicate step names, unknown dependencies and
  ///   cycles, naming the step.
  public init(name: String, parameters: JSONValue = .object([:]), steps: [Step]) throws {
    self.name = name
    self.parameters = parameters
    self.steps = steps
    _ = try executionOrder()
  }

  /// Steps in an order where every step follows its dependencies (Kahn's algorithm; ties keep
  /// declaration order so runs are reproducible).
  public func executionOrder() throws -> [Step] {
    var byName: [String: Step] = [:]
    for step in steps {
      guard byName.updateValue(step, forKey: step.name) == nil else {
        throw TwinError.invalidInput("pipeline '\(name)' has two steps named '\(step.name)'")
      }
    }
    for step in steps {
      for dep in step.dependsOn where byName[dep] == nil {
        throw TwinError.invalidInput(
          "step '\(step.name)' of pipeline '\(name)' depends on unknown step '\(dep)'")
      }
    }
    var done: Set<String> = []
    var order: [Step] = []
    while order.count < steps.count {
      guard let next = steps.first(where: { !done.contains($0.name) && $0.dependsOn.allSatisfy(done.contains) })
      else {
        let stuck = steps.filter { !done.contains($0.name) }.map(\.name).joined(separator: ", ")
        throw TwinError.invalidInput("pipeline '\(name)' has a dependency cycle among: \(stuck)")
      }
      done.insert(next.name)
      order.append(next)
    }
    return order
  }
}
