import Foundation
import TwinLLM
import TwinTensor

/// A Llama-family decoder with LoRA adapters: the forward pass that keeps what backward needs,
/// and the backward pass that accumulates the adapters' gradients.
///
/// Per layer, for rows `x`:
///
///     n₁ = RMSNorm(x);  q, k, v = Linear(n₁);  q, k = RoPE(q), RoPE(k)
///     x₂ = x + Linear_o(Attention(q, k, v))
///     n₂ = RMSNorm(x₂); x' = x₂ + Linear_down(SwiGLU(Linear_gate(n₂), Linear_up(n₂)))
///
/// and at the end `log p(label) = log_softmax(RMSNorm(x) W_outᵀ)[label]`. The base weights are
/// frozen; only the adapters receive gradients. The backward functions of each step are in the
/// files under `Ops/`, next to their forward functions.
public final class LoRADecoder: @unchecked Sendable {
  /// The frozen base.
  public let weights: FrozenDecoderWeights
  /// The trainable adapter.
  public let adapter: LoRAAdapter
  let rotary: Rotary
  let attention: CausalSelfAttention

  /// A model over `weights` with `adapter` (whose shape must match).
  public init(weights: FrozenDecoderWeights, adapter: LoRAAdapter) {
    precondition(adapter.layers.count == weights.layers.count, "adapter and model have different layer counts")
    self.weights = weights
    self.adapter = adapter
    let s = weights.shape
    rotary = Rotary(headDimension: s.headDimension, base: s.ropeBase)
    attention = CausalSelfAttention(heads: s.heads, kvHeads: s.kvHeads, headDimension: s.headDimension)
  }

  /// How a forward pass runs.
  public struct PassOptions: Sendable {
    /// Whether the adapter takes part (off gives the base model: DPO's reference).
    public var adapterEnabled = true
    /// Dropout masks' seed, or nil for no dropout (evaluation, reference passes).
    public var dropoutSeed: UInt64?
    /// Keep only each layer's input and recompute the rest during backward.
    public var checkpointing = false

    /// Options with the adapter on, no dropout and every activation kept.
    public init(adapterEnabled: Bool = true, dropoutSeed: UInt64? = nil, checkpointing: Bool = false) {
      self.adapterEnabled = adapterEnabled
      self.dropoutSeed = dropoutSeed
      self.checkpointing = checkpointing
    }
  }

  /// A forward pass's result and what its backward pass needs.
  public final class Pass: @unchecked Sendable {
    /// The sequence it ran on.
    public let sequence: PackedSequence
    /// `log p(label)` of each labelled row.
    public let tokenLogProbabilities: [Float]
    let options: PassOptions
    let table: (cos: [Float], sin: [Float])
    let tapes: [LayerTape]
    let finalInput: Tensor
    let finalRho: [Float]
    let finalNormed: Tensor
    let lse: [Float]
    /// The head's gradient, when the upstream was given to the forward pass.
    let fusedHead: (upstream: [Float], dNormed: Tensor)?

    init(
      sequence: PackedSequence, tokenLogProbabilities: [Float], options: PassOptions, table: (cos: [Float], sin: [Float]),
      tapes: [LayerTape], finalInput: Tensor, finalRho: [Float], finalNormed: Tensor, lse: [Float],
      fusedHead: (upstream: [Float], dNormed: Tensor)?
    ) {
      self.sequence = sequence
      self.tokenLogProbabilities = tokenLogProbabilities
      self.options = options
      self.table = table
      self.tapes = tapes
      self.finalInput = finalInput
      self.finalRho = finalRho
      self.finalNormed = finalNormed
      self.lse = lse
      self.fusedHead = fusedHead
    }

    /// The sum of the labels' log-probabilities per packed sample.
    public var sampleLogProbabilities: [Double] {
      var sums = [Double](repeating: 0, count: sequence.sampleCount)
      for (i, s) in sequence.labelSamples.enumerated() { sums[s] += Double(tokenLogProbabilities[i]) }
      return sums
    }
  }

  /// Runs the model over `sequence`, keeping what ``backward(_:upstream:)`` needs.
  ///
  /// When the upstream gradient is known before the pass (`upstream`, one per labelled row:
  /// SFT's), the output head computes its gradient at once and ``backward(_:upstream:)`` must
  /// be given the same upstream.
  public func forward(_ sequence: PackedSequence, options: PassOptions = PassOptions(), upstream: [Float]? = nil) -> Pass {
    let s = weights.shape
    let t = sequence.count
    precondition(t > 0, "empty sequence")
    let x = Tensor(rows: t, cols: s.embedding)
    for (row, token) in sequence.tokens.enumerated() {
      x.row(row).update(from: weights.embeddings.row(Int(token)), count: s.embedding)
    }
    let table = rotary.table(positions: sequence.positions)
    var tapes: [LayerTape] = []
    var current = x
    for i in 0..<weights.layers.count {
      let (next, tape) = layerForward(i, input: current, sequence: sequence, table: table, options: options, keep: !options.checkpointing)
      tapes.append(tape)
      current = next
    }
    let normed = Tensor(rows: t, cols: s.embedding)
    let rho = RMSNorm.forward(current, weight: weights.outputNorm, epsilon: s.rmsEpsilon, into: normed)
    var fusedHead: (upstream: [Float], dNormed: Tensor)?
    let logp: [Float]
    let lse: [Float]
    if let upstream {
      precondition(upstream.count == sequence.labelledRows.count, "one upstream gradient per labelled row")
      let dNormed = Tensor(rows: t, cols: s.embedding)
      (logp, lse) = OutputHead.fused(
        normed, rows: sequence.labelledRows, labels: sequence.labels, weights: upstream, weight: weights.output, into: dNormed)
      fusedHead = (upstream, dNormed)
    } else {
      (logp, lse) = OutputHead.forward(normed, rows: sequence.labelledRows, labels: sequence.labels, weight: weights.output)
    }
    return Pass(
      sequence: sequence, tokenLogProbabilities: logp, options: options, table: table, tapes: tapes, finalInput: current,
      finalRho: rho, finalNormed: normed, lse: lse, fusedHead: fusedHead)
  }

  /// Accumulates the adapter's gradients of `L` into its `gradA`/`gradB`, given
  /// `upstream[i] = ∂L/∂ log p(label i)` for each labelled row of the pass.
  public func backward(_ pass: Pass, upstream: [Float]) {
    let s = weights.shape
    let sequence = pass.sequence
    precondition(upstream.count == sequence.labelledRows.count, "one upstream gradient per labelled row")
    let t = sequence.count
    let dNormed: Tensor
    if let fused = pass.fusedHead {
      precondition(fused.upstream == upstream, "backward's upstream differs from the one given to forward")
      dNormed = fused.dNormed
    } else {
      dNormed = Tensor(rows: t, cols: s.embedding)
      OutputHead.backward(
        pass.finalNormed, rows: sequence.labelledRows, labels: sequence.labels, lse: pass.lse, weights: upstream,
        weight: weights.output, into: dNormed)
    }
    var dx = Tensor(rows: t, cols: s.embedding)
    RMSNorm.backward(dNormed, input: pass.finalInput, weight: weights.outputNorm, rho: pass.finalRho, into: dx)
    for i in stride(from: weights.layers.count - 1, through: 0, by: -1) {
      var tape = pass.tapes[i]
      if tape.saved == nil {
        tape = layerForward(i, input: tape.input, sequence: sequence, table: pass.table, options: pass.options, keep: true).tape
      }
      dx = layerBackward(i, dx, tape: tape, sequence: sequence, table: pass.table, options: pass.options)
    }
  }

  /// The vocabulary logits of every row of `pass` (`T × V`): for checking against other
  /// implementations and for evaluation, not used by training.
  public func logits(_ pass: Pass) -> Tensor {
    let n = pass.finalNormed
    let out = Tensor(rows: n.rows, cols: weights.output.rows)
    Kernels.gemmNT(
      m: n.rows, n: out.cols, k: n.cols, a: n.data, lda: n.cols, b: weights.output.data, ldb: n.cols, c: out.data,
      ldc: out.cols)
    return out
  }

  // MARK: - One layer

  /// What one layer's forward pass keeps.
  final class LayerTape {
    let input: Tensor
    var saved: Saved?

    struct Saved {
      var rho1: [Float]
      var normed1: Tensor
      var q, k, v: Tensor
      var probabilities: Tensor
      var attended: Tensor
      var middle: Tensor
      var rho2: [Float]
      var normed2: Tensor
      var gate, up, hidden: Tensor
      var lora: [Projection: Linear.Saved]
    }

    init(input: Tensor, saved: Saved?) {
      self.input = input
      self.saved = saved
    }
  }

  private func dropout(_ layer: Int, _ p: Projection, _ options: PassOptions) -> Dropout? {
    let probability = adapter.configuration.dropout
    guard options.adapterEnabled, probability > 0, let seed = options.dropoutSeed else { return nil }
    let index = UInt64(Projection.allCases.firstIndex(of: p)!)
    return Dropout(probability: probability, seed: seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(layer) &* 16 &+ index)
  }

  private func layerForward(
    _ i: Int, input x: Tensor, sequence: PackedSequence, table: (cos: [Float], sin: [Float]), options: PassOptions,
    keep: Bool
  ) -> (output: Tensor, tape: LayerTape) {
    let s = weights.shape
    let layer = weights.layers[i]
    let pairs = options.adapterEnabled ? adapter.layers[i] : [:]
    let t = x.rows
    var lora: [Projection: Linear.Saved] = [:]
    func project(_ p: Projection, _ input: Tensor) -> Tensor {
      let (out, _) = p.dimensions(s)
      let y = Tensor(rows: t, cols: out)
      lora[p] = Linear.forward(
        input, weight: layer.weight(p), bias: layer.biases[p], adapter: pairs[p], dropout: dropout(i, p, options), into: y)
      return y
    }

    let normed1 = Tensor(rows: t, cols: s.embedding)
    let rho1 = RMSNorm.forward(x, weight: layer.attentionNorm, epsilon: s.rmsEpsilon, into: normed1)
    let q = project(.query, normed1)
    let k = project(.key, normed1)
    let v = project(.value, normed1)
    rotary.apply(q, heads: s.heads, table: table)
    rotary.apply(k, heads: s.kvHeads, table: table)
    let attended = Tensor(rows: t, cols: s.heads * s.headDimension)
    let probabilities = attention.forward(queries: q, keys: k, values: v, starts: sequence.starts, into: attended)
    let middle = project(.output, attended)
    middle.add(x)

    let normed2 = Tensor(rows: t, cols: s.embedding)
    let rho2 = RMSNorm.forward(middle, weight: layer.feedForwardNorm, epsilon: s.rmsEpsilon, into: normed2)
    let gate = project(.gate, normed2)
    let up = project(.up, normed2)
    let hidden = Tensor(rows: t, cols: s.feedForward)
    SwiGLU.forward(gate: gate, up: up, into: hidden)
    let output = project(.down, hidden)
    output.add(middle)

    let saved =
      keep
      ? LayerTape.Saved(
        rho1: rho1, normed1: normed1, q: q, k: k, v: v, probabilities: probabilities, attended: attended, middle: middle,
        rho2: rho2, normed2: normed2, gate: gate, up: up, hidden: hidden, lora: lora) : nil
    return (output, LayerTape(input: x, saved: saved))
  }

  /// Returns `∂L/∂x` of the layer's input for `dOut = ∂L/∂x'`, accumulating adapter gradients.
  private func layerBackward(
    _ i: Int, _ dOut: Tensor, tape: LayerTape, sequence: PackedSequence, table: (cos: [Float], sin: [Float]),
    options: PassOptions
  ) -> Tensor {
    let s = weights.shape
    let layer = weights.layers[i]
    let pairs = options.adapterEnabled ? adapter.layers[i] : [:]
    let a = tape.saved!
    let t = dOut.rows
    func back(_ p: Projection, _ dy: Tensor, input: Tensor, into dx: Tensor) {
      Linear.backward(
        dy, input: input, weight: layer.weight(p), adapter: pairs[p], saved: a.lora[p],
        dropout: dropout(i, p, options), into: dx)
    }

    // Feed-forward block; the residual passes dOut straight through to dMiddle.
    let dHidden = Tensor(rows: t, cols: s.feedForward)
    back(.down, dOut, input: a.hidden, into: dHidden)
    let dGate = Tensor(rows: t, cols: s.feedForward)
    let dUp = Tensor(rows: t, cols: s.feedForward)
    SwiGLU.backward(dHidden, gate: a.gate, up: a.up, gateGradient: dGate, upGradient: dUp)
    let dNormed2 = Tensor(rows: t, cols: s.embedding)
    back(.gate, dGate, input: a.normed2, into: dNormed2)
    back(.up, dUp, input: a.normed2, into: dNormed2)
    let dMiddle = dOut.copy()
    RMSNorm.backward(dNormed2, input: a.middle, weight: layer.feedForwardNorm, rho: a.rho2, into: dMiddle)

    // Attention block.
    let dAttended = Tensor(rows: t, cols: s.heads * s.headDimension)
    back(.output, dMiddle, input: a.attended, into: dAttended)
    let dq = Tensor(rows: t, cols: a.q.cols)
    let dk = Tensor(rows: t, cols: a.k.cols)
    let dv = Tensor(rows: t, cols: a.v.cols)
    attention.backward(
      dAttended, queries: a.q, keys: a.k, values: a.v, probabilities: a.probabilities, starts: sequence.starts, dq: dq,
      dk: dk, dv: dv)
    rotary.apply(dq, heads: s.heads, table: table, inverse: true)
    rotary.apply(dk, heads: s.kvHeads, table: table, inverse: true)
    let dNormed1 = Tensor(rows: t, cols: s.embedding)
    back(.query, dq, input: a.normed1, into: dNormed1)
    back(.key, dk, input: a.normed1, into: dNormed1)
    back(.value, dv, input: a.normed1, into: dNormed1)
    let dInput = dMiddle
    RMSNorm.backward(dNormed1, input: tape.input, weight: layer.attentionNorm, rho: a.rho1, into: dInput)
    return dInput
  }
}
