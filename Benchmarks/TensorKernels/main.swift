// twin-bench-kernels: throughput of the CPU kernels (GEMM, attention products, matrix-vector,
// row kernels, the thread pool's hand-off), on one thread and on all, as GFLOP/s, GB/s or
// elements/s: the distance to the machine's limits, not a comparison with a peer.
//
//   swift build -c release --product twin-bench-kernels && .build/release/twin-bench-kernels
//
// Each figure is the best of several runs, because the machine is shared and a single run can
// lose its core. (These were `PerfTests`, a suite that asserted nothing, in the test target.)
import Foundation
import Synchronization
import TwinTensor
import TwinTestSupport

func randomFloats(_ count: Int, in range: ClosedRange<Float> = -1...1, seed: UInt64) -> [Float] {
  var rng = SplitMix64(seed: seed)
  return rng.floats(count, in: range)
}

func randomMatrix(_ rows: Int, _ cols: Int, seed: UInt64) -> Matrix {
  Matrix(rows: rows, cols: cols, storage: randomFloats(rows * cols, seed: seed))
}

struct KernelBenchmarks {
  /// Best wall time of `body` over `runs` runs, in seconds.
  func best(runs: Int, _ body: () -> Void) -> Double {
    var result = Double.infinity
    for _ in 0..<runs {
      let start = DispatchTime.now().uptimeNanoseconds
      body()
      result = min(result, Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9)
    }
    return result
  }

  /// Runs `body` on one thread, then on all ``Parallel/threadCount`` threads.
  func oneAndAll(_ body: () -> Double) -> (Double, Double) {
    (Parallel.serially { body() }, body())
  }

  func format(_ value: Double) -> String { String(format: "%.1f", value) }

  func gemm() {
    for (m, n, k) in [(4096, 1536, 384), (4096, 384, 1536), (256, 384, 384), (4096, 1152, 384)] {
      let a = randomFloats(m * k, seed: 1)
      let packed = PackedMatrix(randomMatrix(n, k, seed: 2))
      let bias = randomFloats(n, seed: 3)
      var c = [Float](repeating: 0, count: m * n)
      let flops = 2.0 * Double(m * n * k)
      let (one, all) = oneAndAll {
        a.withUnsafeBufferPointer { ap in
          bias.withUnsafeBufferPointer { bp in
            c.withUnsafeMutableBufferPointer { cp in
              best(runs: m > 1000 ? 12 : 200) {
                Kernels.gemm(
                  ap.baseAddress!, rows: m, packed: packed, into: cp.baseAddress!,
                  bias: bp.baseAddress!)
              }
            }
          }
        }
      }
      print(
        "PERF gemm m=\(m) n=\(n) k=\(k): 1 thread \(format(flops / one / 1e9)) GFLOP/s, "
          + "\(Parallel.threadCount) threads \(format(flops / all / 1e9)) GFLOP/s")
    }
  }

  func attentionProducts() {
    // One MiniLM head: Q·Kᵀ (s × 32 · 32 × s) then P·V (s × s · s × 32), views inside rows of 384.
    for s in [32, 128, 256] {
      let q = randomFloats(s * 384, seed: 4)
      var scores = [Float](repeating: 0, count: s * s)
      var out = [Float](repeating: 0, count: s * 384)
      let time = Parallel.serially {
        q.withUnsafeBufferPointer { qp in
          scores.withUnsafeMutableBufferPointer { sp in
            out.withUnsafeMutableBufferPointer { op in
              best(runs: 300) {
                let base = qp.baseAddress!
                Kernels.gemmNT(
                  m: s, n: s, k: 32, a: base, lda: 384, b: base + 32, ldb: 384, c: sp.baseAddress!,
                  ldc: s, alpha: 0.18)
                Kernels.gemmNN(
                  m: s, n: 32, k: s, a: sp.baseAddress!, lda: s, b: base + 64, ldb: 384,
                  c: op.baseAddress!, ldc: 384)
              }
            }
          }
        }
      }
      print(
        "PERF attention head s=\(s): \(format(4.0 * Double(s * s * 32) / time / 1e9)) GFLOP/s, \(format(time * 1e6)) µs (1 thread)"
      )
    }
  }

  func matvec() {
    let (n, k) = (4096, 4096)  // 64 MB: far beyond the caches, so this measures DRAM streaming
    let w = randomMatrix(n, k, seed: 5)
    let x = randomFloats(k, seed: 6)
    var y = [Float](repeating: 0, count: n)
    let (one, all) = oneAndAll {
      w.withUnsafeBufferPointer { wp in
        x.withUnsafeBufferPointer { xp in
          y.withUnsafeMutableBufferPointer { yp in
            best(runs: 20) {
              Kernels.matvec(
                wp.baseAddress!, rows: n, cols: k, x: xp.baseAddress!, into: yp.baseAddress!)
            }
          }
        }
      }
    }
    let bytes = Double(n * k * 4)
    print(
      "PERF matvec \(n)×\(k): 1 thread \(format(bytes / one / 1e9)) GB/s, \(Parallel.threadCount) threads \(format(bytes / all / 1e9)) GB/s"
    )
  }

  func parallelOverhead() {
    // Two chunks of ≈ 3 µs each: a perfect split takes half the serial time; the excess is
    // the hand-off cost (plus whatever the machine's other load takes from the second core).
    @inline(never) func work(_ n: Int) -> Double {
      var s = 0.0
      for i in 0..<n { s += Double(i).squareRoot() }
      return s
    }
    let calls = 2_000
    let sink = Mutex(0.0)
    let body: (Range<Int>) -> Void = { range in
      for _ in range {
        let value = work(1_000)
        sink.withLock { $0 += value }
      }
    }
    let (serial, parallel) = oneAndAll {
      best(runs: 5) { for _ in 0..<calls { Parallel.forRange(2, minChunk: 1, body) } }
    }
    print(
      "PERF Parallel.forRange 2 × 3 µs: 1 thread \(format(serial / Double(calls) * 1e6)) µs/call, "
        + "\(Parallel.threadCount) threads \(format(parallel / Double(calls) * 1e6)) µs/call")
  }

  func rowKernels() {
    let rows = 4096
    let cols = 384
    var x = randomFloats(rows * cols, in: -3...3, seed: 7)
    let gamma = randomFloats(cols, seed: 8)
    let beta = randomFloats(cols, seed: 9)
    let elements = Double(rows * cols)
    x.withUnsafeMutableBufferPointer { xp in
      gamma.withUnsafeBufferPointer { g in
        beta.withUnsafeBufferPointer { b in
          let p = xp.baseAddress!
          let (ln1, lnAll) = oneAndAll {
            best(runs: 20) {
              Kernels.layerNorm(
                p, rows: rows, cols: cols, gamma: g.baseAddress!, beta: b.baseAddress!,
                epsilon: 1e-12, into: p)
            }
          }
          print(
            "PERF layerNorm 4096×384: 1 thread \(format(elements / ln1 / 1e9)) G elem/s, all \(format(elements / lnAll / 1e9)) G elem/s"
          )
          let (sm1, smAll) = oneAndAll {
            best(runs: 20) { Kernels.softmax(p, rows: rows, cols: cols) }
          }
          print(
            "PERF softmax 4096×384: 1 thread \(format(elements / sm1 / 1e9)) G elem/s, all \(format(elements / smAll / 1e9)) G elem/s"
          )
        }
      }
    }
    var h = randomFloats(rows * 1536, in: -4...4, seed: 10)
    let big = Double(rows * 1536)
    h.withUnsafeMutableBufferPointer { hp in
      let p = hp.baseAddress!
      let (g1, gAll) = oneAndAll { best(runs: 10) { Kernels.gelu(p, count: rows * 1536) } }
      print(
        "PERF gelu 4096×1536: 1 thread \(format(big / g1 / 1e9)) G elem/s, all \(format(big / gAll / 1e9)) G elem/s"
      )
    }
  }
}

let benchmarks = KernelBenchmarks()
benchmarks.gemm()
benchmarks.attentionProducts()
benchmarks.matvec()
benchmarks.rowKernels()
benchmarks.parallelOverhead()
