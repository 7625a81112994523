import TwinLLM

extension LoRAAdapter {
  /// One adapter equal to applying `self` and then `next` on top:
  ///
  ///     s₁ B₁ A₁ + s₂ B₂ A₂ = [s₁B₁ | s₂B₂] · [A₁ ; A₂]
  ///
  /// a rank `r₁ + r₂` adapter with scale 1 (α = r). A DPO adapter trained on the SFT model is
  /// stacked on the SFT adapter this way, so every trained model is its GGUF base plus one
  /// adapter, which llama.cpp, peft and the engine all load. Projections only one of the two
  /// adapts get zeros in the other's block.
  public func stacked(with next: LoRAAdapter, shape: Hyperparameters) -> LoRAAdapter {
    let rank = configuration.rank + next.configuration.rank
    let targets = Projection.allCases.filter { configuration.targets.contains($0) || next.configuration.targets.contains($0) }
    let combined = LoRAAdapter(
      shape: shape, configuration: LoRAConfiguration(rank: rank, alpha: Float(rank), dropout: 0, targets: targets), seed: 0)
    for (i, pairs) in combined.layers.enumerated() {
      for (p, pair) in pairs {
        pair.a.zero()
        pair.b.zero()
        var offset = 0
        for source in [layers[i][p], next.layers[i][p]] {
          defer { offset += source?.rank ?? 0 }
          guard let source else { continue }
          for r in 0..<source.rank {
            pair.a.row(offset + r).update(from: source.a.row(r), count: source.a.cols)
          }
          for o in 0..<source.b.rows {
            for r in 0..<source.rank { pair.b[o, offset + r] = source.scale * source.b[o, r] }
          }
        }
      }
    }
    return combined
  }
}
