import Foundation
import Testing
import TwinGGUF
import TwinTensor

/// Throughput report, not a pass/fail test: run with
/// `TWIN_PERF=1 swift test -c release --filter TwinGGUFTests.GGUFPerfTests`. Figures are the
/// best of several runs (the machine is shared); GB/s counts weight bytes streamed.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["TWIN_PERF"] == "1"))
struct GGUFPerfTests {
  func best(runs: Int, _ body: () -> Void) -> Double {
    var result = Double.infinity
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      result = min(result, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    return result
  }

  func format(_ value: Double) -> String { String(format: "%.1f", value) }

  /// A matrix of `type` at least `bytes` large, made by repeating `source`'s rows (so the data
  /// is real weights, but far larger than the caches).
  func enlarged(_ source: QuantizedMatrix, bytes: Int) -> QuantizedMatrix {
    let rows = max(source.rows, (bytes / source.rowByteCount + 3) / 4 * 4)
    var data: [UInt8] = []
    data.reserveCapacity(rows * source.rowByteCount)
    for r in 0..<rows { data += source.rowBytes(r % source.rows) }
    return QuantizedMatrix(type: source.type, rows: rows, columns: source.columns, bytes: data)
  }

  /// Prints matvec GB/s on one thread and on all, and prompt-sized matmul throughput.
  func report(_ label: String, _ matrix: QuantizedMatrix, runs: Int) {
    let x = randomFloats(matrix.columns * 64, seed: 1)
    var y = [Float](repeating: 0, count: matrix.rows * 64)
    let bytes = Double(matrix.rows * matrix.rowByteCount)
    x.withUnsafeBufferPointer { xp in
      y.withUnsafeMutableBufferPointer { yp in
        let (input, output) = (xp.baseAddress!, yp.baseAddress!)
        // Quantised once, as a model quantises each input vector once for several matrices.
        let q = matrix.activationFormat.map { _ in matrix.quantize(input, count: 1) }
        let decode = {
          if let q {
            matrix.matvec(q, into: output)
          } else {
            matrix.matvec(input, into: output)
          }
        }
        let one = Parallel.serially { best(runs: runs) { decode() } }
        let all = best(runs: runs) { decode() }
        let prompt = best(runs: max(2, runs / 8)) {
          matrix.matmul(input, count: 64, into: output)
        }
        print(
          "PERF \(label) \(matrix.type) \(matrix.rows)×\(matrix.columns) (\(format(bytes / 1e6)) MB): "
            + "matvec 1 thread \(format(bytes / one / 1e9)) GB/s, \(Parallel.threadCount) threads "
            + "\(format(bytes / all / 1e9)) GB/s; matmul of 64 vectors "
            + "\(format(2 * Double(matrix.rows * matrix.columns) * 64 / prompt / 1e9)) GFLOP/s "
            + "(\(format(prompt * 1e3 / 64)) ms per vector)")
      }
    }
  }

  @Test func realTensors() throws {
    let gemma = try GGUFFile(url: ModelLocator.file("gemma3-270m", "gemma-3-270m-q4_k_m.gguf"))
    let smollm = try GGUFFile(
      url: ModelLocator.file("smollm2-135m-instruct", "SmolLM2-135M-Instruct.Q4_1.gguf"))
    let attnOutput = try gemma.matrix(named: "blk.0.attn_output.weight")
    let ffnDown = try gemma.matrix(named: "blk.0.ffn_down.weight")
    let ffnGate = try gemma.matrix(named: "blk.0.ffn_gate.weight")
    let ffnUp = try smollm.matrix(named: "blk.0.ffn_up.weight")
    report("gemma blk.0.attn_output (cache-resident)", attnOutput, runs: 200)
    report(
      "gemma blk.0.attn_v (cache-resident)", try gemma.matrix(named: "blk.0.attn_v.weight"),
      runs: 400)
    report("gemma blk.0.ffn_down (cache-resident)", ffnDown, runs: 200)
    report("gemma blk.0.ffn_gate (cache-resident)", ffnGate, runs: 200)
    report("smollm2 blk.0.ffn_up (cache-resident)", ffnUp, runs: 200)
    report("gemma token_embd (DRAM)", try gemma.matrix(named: "token_embd.weight"), runs: 8)
    report("gemma attn_output rows ×N (DRAM)", enlarged(attnOutput, bytes: 96 << 20), runs: 10)
    report("smollm2 ffn_up rows ×N (DRAM)", enlarged(ffnUp, bytes: 96 << 20), runs: 10)
  }
}
