import Foundation
import Testing
import TwinGGUF
import TwinTestSupport

/// The committed fixtures (see `Fixtures/make_fixtures.py`): `tiny.gguf.bin` written by the `gguf`
/// Python package, and reference values computed with it and numpy.
enum Fixtures {
  static let directory = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

  static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

  static let tinyURL = url("tiny.gguf.bin")

  /// `reference.json`, decoded once.
  static let reference: Reference = {
    do {
      let data = try Data(contentsOf: url("reference.json"))
      return try JSONDecoder().decode(Reference.self, from: data)
    } catch {
      fatalError("cannot read Fixtures/reference.json: \(error)")
    }
  }()

  /// Little-endian `Float`s from a fixture file.
  static func floats(_ name: String) throws -> [Float] {
    let data = try Data(contentsOf: url(name))
    return data.withUnsafeBytes { raw in
      (0..<(data.count / 4)).map {
        Float(
          bitPattern: UInt32(
            littleEndian: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)))
      }
    }
  }

  /// Signed bytes from a fixture file.
  static func int8s(_ name: String) throws -> [Int8] {
    try Data(contentsOf: url(name)).map { Int8(bitPattern: $0) }
  }

  /// The type cases, by ggml type name.
  static let typeNames = [
    "F32", "F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "Q4_K", "Q5_K", "Q6_K",
  ]
  static let quantizedTypeNames = Array(typeNames.dropFirst(3))
}

/// `reference.json`'s layout (snake_case keys in the file).
struct Reference: Decodable {
  struct TypeCase: Decodable {
    var tensor: String
    var rows: Int
    var columns: Int
    var vectors: Int
    var dequantized: String
    var activations: String
    var quants: String?
    var activationBlock: Int?
    var activationScales: [[Double]]?
    var activationSums: [[Int]]?
    /// `[vector][row]`.
    var dotExact: [[Double]]
    var dotGgml: [[Double]]
    var magnitude: [[Double]]
    var activationBound: [[Double]]

    enum CodingKeys: String, CodingKey {
      case tensor, rows, columns, vectors, dequantized, activations, quants, magnitude
      case activationBlock = "activation_block"
      case activationScales = "activation_scales"
      case activationSums = "activation_sums"
      case dotExact = "dot_exact"
      case dotGgml = "dot_ggml"
      case activationBound = "activation_bound"
    }
  }

  struct RealRow: Decodable {
    var tensor: String
    var row: Int
    var values: String
    var type: String?
  }

  struct RealModel: Decodable {
    var file: String
    var rows: [RealRow]
  }

  var types: [String: TypeCase]
  var real: [String: RealModel]
}
/// `count` floats uniform in `range`.
func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64) -> [Float] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in Float.random(in: range, using: &rng) }
}

/// A fresh empty directory for one test's files.
func temporaryDirectory() throws -> URL {
  let url = FileManager.default.temporaryDirectory.appendingPathComponent(
    "twin-gguf-tests-\(UUID().uuidString)")
  try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
  return url
}

/// Opens `url` expecting failure; returns the error (nil if it opened or threw something else)
/// and its message.
func openFailure(_ url: URL) -> (GGUFError?, String) {
  do {
    _ = try GGUFFile(url: url)
    return (nil, "opened")
  } catch {
    return (error, error.description)
  }
}
