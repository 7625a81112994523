import Foundation
import Testing
import TwinTestSupport
import TwinGGUF

/// K-quant products against llama.cpp's own, bit for bit: Gemma 3 270M's layer-0 Q4_K
/// (`attn_output`) and Q6_K (`ffn_down`) matrices over token vectors dumped from llama.cpp's
/// graph (Fixtures/make_llama_cpp_kquant_products.py, an AVX2 build with default settings).
///
/// llama.cpp picks a kernel per format and batch size, each summing in its own order: Q4_K
/// repacked (`q4_K_8x8`: a GEMM for the batch's vectors in fours, a GEMV for the rest and for
/// decoding), Q6_K tiled from 8 vectors on and row by row below. One last-bit difference in a
/// layer grows to whole logits eighteen layers later in this model, so each must match: a
/// 10-vector batch (8 in the GEMM and 2 in the GEMV; tiled Q6_K) and a single vector.
@Suite struct LlamaCppKQuantProductTests {
  func check(_ tensor: String, _ fixture: String) throws {
    let file = try GGUFFile(url: PulledModels.file("gemma3-270m", "gemma-3-270m-q4_k_m.gguf"))
    let matrix = try file.matrix(named: tensor)
    for (kind, count) in [("batch", 10), ("single", 1)] {
      let input = try Fixtures.floats("gemma3-270m.llama-cpp.\(kind).\(fixture).input.f32")
      let expected = try Fixtures.floats("gemma3-270m.llama-cpp.\(kind).\(fixture).output.f32")
      #expect(input.count == count * matrix.columns && expected.count == count * matrix.rows)
      var ours = [Float](repeating: .nan, count: count * matrix.rows)
      input.withUnsafeBufferPointer { x in
        ours.withUnsafeMutableBufferPointer { matrix.matmul(x.baseAddress!, count: count, into: $0.baseAddress!) }
      }
      let differing = zip(ours, expected).filter { $0 != $1 }.count
      let largest = zip(ours, expected).map { abs($0 - $1) }.max() ?? 0
      #expect(
        differing == 0,
        "\(tensor), \(kind): \(differing) of \(expected.count) outputs differ from llama.cpp (largest \(largest))")
    }
  }

  @Test func q4KMatchesLlamaCpp() throws { try check("blk.0.attn_output.weight", "attn_output") }
  @Test func q6KMatchesLlamaCpp() throws { try check("blk.0.ffn_down.weight", "ffn_down") }
}
