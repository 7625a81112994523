import Foundation
import TwinCore
import TwinTensor
import TwinWeights

/// A batch of token sequences, laid end to end.
///
/// Sequences are never padded: every matrix product runs over the concatenated tokens of the
/// batch (`tokenCount` rows), and only attention, which mixes tokens, works per sequence with
/// its exact length. Padding to the longest sequence, as PyTorch batches do, would spend compute
/// on tokens that are thrown away.
struct TokenBatch {
  var ids: [Int32]
  var types: [Int32]
  /// `starts[s]..<starts[s+1]` are sequence `s`'s rows.
  var starts: [Int]

  init(sequences: [[Int32]], types: [[Int32]]? = nil) {
    ids = sequences.flatMap { $0 }
    self.types = types?.flatMap { $0 } ?? [Int32](repeating: 0, count: ids.count)
    starts = [0]
    for s in sequences { starts.append(starts.last! + s.count) }
  }

  var tokenCount: Int { ids.count }
  var sequenceCount: Int { starts.count - 1 }
  func range(_ s: Int) -> Range<Int> { starts[s]..<starts[s + 1] }
}

/// The BERT encoder: embeddings, then `layerCount` post-norm transformer layers.
struct BertEncoder: Sendable {
  let config: BertConfig
  let weights: BertWeights

  /// The final hidden states, `[tokenCount × hiddenSize]` row-major, in batch order.
  func encode(_ batch: TokenBatch) throws -> [Float] {
    let h = config.hiddenSize
    let t = batch.tokenCount
    for s in 0..<batch.sequenceCount where batch.range(s).count > config.maxPositions {
      throw TwinError.invalidInput("sequence \(s) has \(batch.range(s).count) tokens; the model allows \(config.maxPositions)")
    }
    var x = [Float](repeating: 0, count: t * h)
    try embed(batch, into: &x)
    var qkv = [Float](repeating: 0, count: t * 3 * h)
    var context = [Float](repeating: 0, count: t * h)
    var projected = [Float](repeating: 0, count: t * h)
    var intermediate = [Float](repeating: 0, count: t * config.intermediateSize)
    for layer in weights.layers {
      // Self-attention sublayer: x ← LayerNorm(x + Attention(x) · W_oᵀ + b_o).
      linear(x, rows: t, layer.qkv, into: &qkv)
      attention(qkv, batch: batch, into: &context)
      linear(context, rows: t, layer.attentionOutput, into: &projected)
      addAndNormalize(&x, projected, layer.attentionNorm)
      // Feed-forward sublayer: x ← LayerNorm(x + GELU(x · W₁ᵀ + b₁) · W₂ᵀ + b₂).
      linear(x, rows: t, layer.intermediate, into: &intermediate)
      intermediate.withUnsafeMutableBufferPointer { Kernels.gelu($0.baseAddress!, count: $0.count) }
      linear(intermediate, rows: t, layer.output, into: &projected)
      addAndNormalize(&x, projected, layer.outputNorm)
    }
    return x
  }

  /// `x[i] = word[id] + position[i − start] + type[typeID]`, then LayerNorm.
  private func embed(_ batch: TokenBatch, into x: inout [Float]) throws {
    let h = config.hiddenSize
    for (i, id) in batch.ids.enumerated() where id < 0 || Int(id) >= config.vocabularySize {
      throw TwinError.invalidInput("token id \(id) at position \(i) is outside the vocabulary (\(config.vocabularySize))")
    }
    for (i, type) in batch.types.enumerated() where type < 0 || Int(type) >= config.typeVocabularySize {
      throw TwinError.invalidInput("token type \(type) at position \(i) is outside 0..<\(config.typeVocabularySize)")
    }
    weights.wordEmbeddings.withUnsafeBufferPointer { word in
      weights.positionEmbeddings.withUnsafeBufferPointer { position in
        weights.typeEmbeddings.withUnsafeBufferPointer { type in
          x.withUnsafeMutableBufferPointer { out in
            for s in 0..<batch.sequenceCount {
              for (p, row) in batch.range(s).enumerated() {
                let dst = out.baseAddress! + row * h
                Kernels.add(word.baseAddress! + Int(batch.ids[row]) * h, position.baseAddress! + p * h, into: dst, count: h)
                Kernels.add(dst, type.baseAddress! + Int(batch.types[row]) * h, into: dst, count: h)
              }
            }
            let (gamma, beta) = weights.embeddingNorm
            Kernels.layerNorm(
              out.baseAddress!, rows: batch.tokenCount, cols: h, gamma: gamma, beta: beta,
              epsilon: config.layerNormEpsilon, into: out.baseAddress!)
          }
        }
      }
    }
  }

  /// Multi-head scaled dot-product attention, per sequence and head:
  /// `softmax(Q_h K_hᵀ / √d) · V_h`, written into head `h`'s columns of `context`.
  ///
  /// `qkv` rows hold `[Q | K | V]` for each token, so each head's Q, K and V are strided views
  /// (leading dimension `3·hidden`) and nothing is copied. The (sequence, head) pairs are spread
  /// over the cores; the GEMMs inside each pair then run on one thread (nested parallel loops
  /// run serially), which keeps every core busy without contention.
  private func attention(_ qkv: [Float], batch: TokenBatch, into context: inout [Float]) {
    let h = config.hiddenSize
    let heads = config.headCount
    let d = config.headSize
    let scale = 1 / Float(d).squareRoot()
    let units = batch.sequenceCount * heads
    qkv.withUnsafeBufferPointer { qkvBuffer in
      context.withUnsafeMutableBufferPointer { contextBuffer in
        let q = qkvBuffer.baseAddress!
        let out = UncheckedPointer(contextBuffer.baseAddress!)
        Parallel.forRange(units, minChunk: 1) { range in
          var scores: [Float] = []
          for unit in range {
            let (s, head) = unit.quotientAndRemainder(dividingBy: heads)
            let rows = batch.range(s)
            let n = rows.count
            guard n > 0 else { continue }
            if scores.count < n * n { scores = [Float](repeating: 0, count: n * n) }
            let base = q + rows.lowerBound * 3 * h + head * d
            scores.withUnsafeMutableBufferPointer { sc in
              Kernels.gemmNT(
                m: n, n: n, k: d, a: base, lda: 3 * h, b: base + h, ldb: 3 * h, c: sc.baseAddress!, ldc: n,
                alpha: scale)
              Kernels.softmax(sc.baseAddress!, rows: n, cols: n)
              Kernels.gemmNN(
                m: n, n: d, k: n, a: sc.baseAddress!, lda: n, b: base + 2 * h, ldb: 3 * h,
                c: out.pointer + rows.lowerBound * h + head * d, ldc: h)
            }
          }
        }
      }
    }
  }

  private func linear(_ input: [Float], rows: Int, _ layer: Linear, into output: inout [Float]) {
    input.withUnsafeBufferPointer { a in
      output.withUnsafeMutableBufferPointer { c in
        layer.bias.withUnsafeBufferPointer { b in
          Kernels.gemm(a.baseAddress!, rows: rows, packed: layer.weight, into: c.baseAddress!, bias: b.baseAddress!)
        }
      }
    }
  }

  /// `x ← LayerNorm(x + residual)`.
  private func addAndNormalize(_ x: inout [Float], _ residual: [Float], _ norm: (gamma: [Float], beta: [Float])) {
    let h = config.hiddenSize
    let rows = x.count / h
    x.withUnsafeMutableBufferPointer { xs in
      residual.withUnsafeBufferPointer { r in
        Kernels.add(xs.baseAddress!, r.baseAddress!, into: xs.baseAddress!, count: xs.count)
      }
      Kernels.layerNorm(
        xs.baseAddress!, rows: rows, cols: h, gamma: norm.gamma, beta: norm.beta, epsilon: config.layerNormEpsilon,
        into: xs.baseAddress!)
    }
  }
}

/// A pointer shared with the threads of a parallel loop, each writing disjoint rows.
struct UncheckedPointer: @unchecked Sendable {
  let pointer: UnsafeMutablePointer<Float>
  init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
