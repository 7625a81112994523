import TwinTensor

extension FrozenDecoderWeights {
  /// The weights with `adapter` folded in: `W + (α/r) B A` for every adapted projection.
  ///
  /// This is the trained model as one set of weights: what a merged GGUF holds, and what DPO
  /// starts from after SFT (its reference is then the SFT model with the DPO adapter off).
  public func merging(_ adapter: LoRAAdapter) -> FrozenDecoderWeights {
    precondition(adapter.layers.count == layers.count, "adapter and model have different layer counts")
    let merged = zip(layers, adapter.layers).map { layer, pairs in
      var copy = layer
      for (p, pair) in pairs {
        let w = layer.weight(p).copy()
        Kernels.gemmNN(
          m: w.rows, n: w.cols, k: pair.rank, a: pair.b.data, lda: pair.rank, b: pair.a.data, ldb: w.cols, c: w.data,
          ldc: w.cols, alpha: pair.scale, accumulate: true)
        copy.weights[p] = w
      }
      return copy
    }
    return FrozenDecoderWeights(
      shape: shape, embeddings: embeddings, output: tiedOutput ? nil : output, outputNorm: outputNorm, layers: merged)
  }
}
