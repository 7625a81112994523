import Foundation
import Testing
import TwinWeights

/// Each way a file can be broken gives its own error, naming the file and the tensor.
@Suite struct SafetensorsValidationTests {
  /// Opens `url` expecting failure, and returns the error's message.
  func failure(_ url: URL) -> (SafetensorsError?, String) {
    do {
      _ = try SafetensorsFile(url: url)
      return (nil, "opened")
    } catch let error as SafetensorsError {
      return (error, error.description)
    } catch {
      return (nil, "\(error)")
    }
  }

  func sample() -> SafetensorsFixture {
    var fixture = SafetensorsFixture()
    fixture.add("encoder.weight", f32: [1, 2, 3, 4], shape: [2, 2])
    fixture.add("encoder.bias", f32: [5, 6], shape: [2])
    return fixture
  }

  @Test func headerLengthLargerThanTheFile() throws {
    let fixture = sample()
    let url = try fixture.write(bytes: fixture.bytes(headerLength: 1 << 40))
    let (error, message) = failure(url)
    guard case .headerTooLarge(let file, let length, _) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(file == url.path && length == 1 << 40)
    #expect(message.contains(url.path))
  }

  @Test func fileShorterThanTheLengthPrefix() throws {
    let url = try SafetensorsFixture().write(bytes: [1, 2, 3])
    #expect(failure(url).1.contains("too short"))
    let (error, _) = failure(
      url.deletingLastPathComponent().appendingPathComponent("absent.safetensors"))
    guard case .unreadable(let file, _) = error else {
      Issue.record("expected unreadable")
      return
    }
    #expect(file.hasSuffix("absent.safetensors"))
  }

  @Test func invalidJSON() throws {
    let url = try sample().write(bytes: sample().bytes(header: "{\"a\": [1, 2"))
    let (error, message) = failure(url)
    guard case .invalidHeader = error else {
      Issue.record("\(message)")
      return
    }
    #expect(message.contains(url.path) && message.contains("not valid JSON"))
    let notObject = try sample().write(bytes: sample().bytes(header: "[1, 2]"))
    #expect(failure(notObject).1.contains("expected a JSON object"))
  }

  @Test func offsetsOutOfRange() throws {
    var fixture = sample()
    fixture.tensors[1].offsets = [24, 16]
    let (error, message) = failure(try fixture.write())
    guard case .invalidOffsets(_, let tensor, _) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(tensor == "encoder.bias" && message.contains("out of range"))
  }

  @Test func offsetsNotMatchingShapeTimesDType() throws {
    var fixture = sample()
    fixture.tensors[0].shape = [2, 3]
    let (error, message) = failure(try fixture.write())
    guard case .invalidOffsets(_, let tensor, let reason) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(tensor == "encoder.weight")
    #expect(reason.contains("spans 16 bytes but shape [2, 3] of F32 needs 24"))
  }

  @Test func overlappingTensors() throws {
    var fixture = sample()
    fixture.tensors[1].offsets = [8, 16]
    let (error, message) = failure(try fixture.write())
    guard case .overlappingTensors(_, let first, let second) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(first == "encoder.weight" && second == "encoder.bias" && message.contains("overlap"))
  }

  @Test func unsupportedDType() throws {
    var fixture = sample()
    fixture.add("codes", "Q4_0", [4], [0, 0])
    let (error, message) = failure(try fixture.write())
    guard case .unsupportedDType(_, let tensor, let dtype) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(tensor == "codes" && dtype == "Q4_0")
  }

  @Test func truncatedData() throws {
    let fixture = sample()
    let whole = fixture.bytes()
    let url = try fixture.write(bytes: Array(whole.dropLast(5)))
    let (error, message) = failure(url)
    guard case .truncated(let file, let tensor, let needed, let available) = error else {
      Issue.record("\(message)")
      return
    }
    #expect(file == url.path && tensor == "encoder.bias" && needed == 24 && available == 19)
    #expect(message.contains("truncated"))
  }

  @Test func missingTensorListsCloseNames() throws {
    let file = try SafetensorsFile(url: sample().write())
    #expect {
      try file.info("bert.encoder.weight")
    } throws: { error in
      guard case SafetensorsError.missingTensor(_, let name, let suggestions) = error else {
        return false
      }
      return name == "bert.encoder.weight" && suggestions.first == "encoder.weight"
        && "\(error)".contains("closest: encoder.weight")
    }
    #expect(throws: SafetensorsError.self) { try file.floats("encoder.bais") }
  }
}
