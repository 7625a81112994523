import Testing
import TwinTestSupport
import TwinTraining

/// Each op's backward against finite differences of its forward, on random inputs.
@Suite struct OpGradientTests {
  @Test func rmsNormInputGradient() {
    var rng = SplitMix64(seed: 1)
    let x = GradientCheck.random(3, 8, &rng)
    let w = rng.floats(8, in: 0.5...1.5)
    let r = GradientCheck.random(3, 8, &rng)
    func loss() -> Double {
      let y = Tensor(rows: 3, cols: 8)
      _ = RMSNorm.forward(x, weight: w, epsilon: 1e-5, into: y)
      return GradientCheck.weightedSum(y, r)
    }
    let y = Tensor(rows: 3, cols: 8)
    let rho = RMSNorm.forward(x, weight: w, epsilon: 1e-5, into: y)
    let dx = Tensor(rows: 3, cols: 8)
    RMSNorm.backward(r, input: x, weight: w, rho: rho, into: dx)
    let idx = Array(0..<x.count)
    GradientCheck.expectClose(
      analytic: idx.map { Double(dx.data[$0]) }, numeric: GradientCheck.numeric(x, indices: idx, step: 1e-3, loss: loss),
      "RMSNorm ∂x")
  }

  @Test func swigluGradients() {
    var rng = SplitMix64(seed: 2)
    let gate = GradientCheck.random(4, 6, &rng, in: -3...3)
    let up = GradientCheck.random(4, 6, &rng)
    let r = GradientCheck.random(4, 6, &rng)
    func loss() -> Double {
      let h = Tensor(rows: 4, cols: 6)
      SwiGLU.forward(gate: gate, up: up, into: h)
      return GradientCheck.weightedSum(h, r)
    }
    let dg = Tensor(rows: 4, cols: 6)
    let du = Tensor(rows: 4, cols: 6)
    SwiGLU.backward(r, gate: gate, up: up, gateGradient: dg, upGradient: du)
    let idx = Array(0..<24)
    GradientCheck.expectClose(
      analytic: idx.map { Double(dg.data[$0]) }, numeric: GradientCheck.numeric(gate, indices: idx, step: 1e-3, loss: loss),
      "SwiGLU ∂gate")
    GradientCheck.expectClose(
      analytic: idx.map { Double(du.data[$0]) }, numeric: GradientCheck.numeric(up, indices: idx, step: 1e-3, loss: loss),
      "SwiGLU ∂up")
  }

  @Test func rotaryInverseIsTheTranspose() {
    var rng = SplitMix64(seed: 3)
    let rotary = Rotary(headDimension: 8, base: 10_000)
    let table = rotary.table(positions: [0, 1, 2, 7, 0, 1])
    let x = GradientCheck.random(6, 16, &rng)
    let r = GradientCheck.random(6, 16, &rng)
    func loss() -> Double {
      let y = x.copy()
      rotary.apply(y, heads: 2, table: table)
      return GradientCheck.weightedSum(y, r)
    }
    let dx = r.copy()
    rotary.apply(dx, heads: 2, table: table, inverse: true)
    let idx = Array(0..<x.count)
    GradientCheck.expectClose(
      analytic: idx.map { Double(dx.data[$0]) }, numeric: GradientCheck.numeric(x, indices: idx, step: 1e-3, loss: loss),
      "RoPE ∂x")
  }

  @Test func attentionGradientsWithGroupsAndPackedSamples() {
    var rng = SplitMix64(seed: 4)
    let attention = CausalSelfAttention(heads: 4, kvHeads: 2, headDimension: 4)
    let starts = [0, 0, 0, 3, 3, 3, 3]  // two samples packed: rows 0–2 and 3–6
    let q = GradientCheck.random(7, 16, &rng)
    let k = GradientCheck.random(7, 8, &rng)
    let v = GradientCheck.random(7, 8, &rng)
    let r = GradientCheck.random(7, 16, &rng)
    func loss() -> Double {
      let out = Tensor(rows: 7, cols: 16)
      _ = attention.forward(queries: q, keys: k, values: v, starts: starts, into: out)
      return GradientCheck.weightedSum(out, r)
    }
    let out = Tensor(rows: 7, cols: 16)
    let p = attention.forward(queries: q, keys: k, values: v, starts: starts, into: out)
    // Row 3 starts a new sample: it sees only itself.
    #expect(out.row(3)[0] == v.row(3)[0])
    let (dq, dk, dv) = (Tensor(rows: 7, cols: 16), Tensor(rows: 7, cols: 8), Tensor(rows: 7, cols: 8))
    attention.backward(r, queries: q, keys: k, values: v, probabilities: p, starts: starts, dq: dq, dk: dk, dv: dv)
    for (name, input, grad) in [("∂Q", q, dq), ("∂K", k, dk), ("∂V", v, dv)] {
      let idx = Array(0..<input.count)
      GradientCheck.expectClose(
        analytic: idx.map { Double(grad.data[$0]) },
        numeric: GradientCheck.numeric(input, indices: idx, step: 1e-3, loss: loss), "attention \(name)")
    }
  }

  @Test func linearWithAdapterAndDropout() {
    var rng = SplitMix64(seed: 5)
    let x = GradientCheck.random(5, 6, &rng)
    let w = GradientCheck.random(4, 6, &rng)
    let bias = rng.floats(4)
    let pair = LoRAPair(rank: 2, out: 4, in: 6, scale: 1.5)
    pair.a.assign(GradientCheck.random(2, 6, &rng))
    pair.b.assign(GradientCheck.random(4, 2, &rng))
    let r = GradientCheck.random(5, 4, &rng)
    for dropout in [nil, Dropout(probability: 0.25, seed: 9)] {
      func loss() -> Double {
        let y = Tensor(rows: 5, cols: 4)
        _ = Linear.forward(x, weight: w, bias: bias, adapter: pair, dropout: dropout, into: y)
        return GradientCheck.weightedSum(y, r)
      }
      pair.gradA.zero()
      pair.gradB.zero()
      let y = Tensor(rows: 5, cols: 4)
      let saved = Linear.forward(x, weight: w, bias: bias, adapter: pair, dropout: dropout, into: y)
      let dx = Tensor(rows: 5, cols: 6)
      Linear.backward(r, input: x, weight: w, adapter: pair, saved: saved, dropout: dropout, into: dx)
      for (name, input, grad) in [("∂x", x, dx), ("∂A", pair.a, pair.gradA), ("∂B", pair.b, pair.gradB)] {
        let idx = Array(0..<input.count)
        GradientCheck.expectClose(
          analytic: idx.map { Double(grad.data[$0]) },
          numeric: GradientCheck.numeric(input, indices: idx, step: 1e-3, loss: loss),
          "linear \(name), dropout \(dropout == nil ? "off" : "on")")
      }
    }
  }

  @Test func outputHeadGradient() {
    var rng = SplitMix64(seed: 6)
    let hidden = GradientCheck.random(5, 8, &rng)
    let weight = GradientCheck.random(11, 8, &rng)
    let rows = [0, 2, 3, 4]
    let labels: [Int32] = [3, 10, 0, 3]
    let upstream: [Float] = [-0.5, 0.25, -1, 2]
    func loss() -> Double {
      let (logp, _) = OutputHead.forward(hidden, rows: rows, labels: labels, weight: weight)
      return zip(logp, upstream).reduce(0) { $0 + Double($1.0) * Double($1.1) }
    }
    let (_, lse) = OutputHead.forward(hidden, rows: rows, labels: labels, weight: weight)
    let dh = Tensor(rows: 5, cols: 8)
    OutputHead.backward(hidden, rows: rows, labels: labels, lse: lse, weights: upstream, weight: weight, into: dh)
    #expect((0..<8).allSatisfy { dh.row(1)[$0] == 0 }, "an unlabelled row gets no gradient")
    let idx = Array(0..<hidden.count)
    GradientCheck.expectClose(
      analytic: idx.map { Double(dh.data[$0]) }, numeric: GradientCheck.numeric(hidden, indices: idx, step: 1e-3, loss: loss),
      "output head ∂h")
  }
}
