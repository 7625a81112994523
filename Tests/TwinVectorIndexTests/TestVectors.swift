import Foundation
import TwinVectorIndex
import TwinTestSupport

/// `count` vectors with independent standard normal components (not normalised).
func gaussianVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
  var rng = SplitMix64(seed: seed)
  return (0..<count).map { _ in (0..<dimension).map { _ in Float(rng.normal()) } }
}

/// `count` uniformly random unit vectors (normalised Gaussians).
func unitVectors(_ count: Int, dimension: Int, seed: UInt64) -> [[Float]] {
  gaussianVectors(count, dimension: dimension, seed: seed).map { v in
    let norm = Float(v.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot())
    return v.map { $0 / norm }
  }
}

/// The distance under `metric` in double precision, from the vectors as given (the reference
/// normalises for cosine itself).
func referenceDistance(_ metric: VectorMetric, _ a: [Float], _ b: [Float]) -> Double {
  var dot = 0.0
  var aa = 0.0
  var bb = 0.0
  var squared = 0.0
  for i in a.indices {
    let x = Double(a[i])
    let y = Double(b[i])
    dot += x * y
    aa += x * x
    bb += y * y
    squared += (x - y) * (x - y)
  }
  switch metric {
  case .cosine: return 1 - dot / (aa.squareRoot() * bb.squareRoot())
  case .dot: return -dot
  case .l2: return squared
  }
}

/// The exact `k` nearest of `vectors` to `query` among the admitted slots, by brute force in
/// double precision.
func referenceNearest(
  _ metric: VectorMetric, _ vectors: [[Float]], _ query: [Float], k: Int,
  admitted: (Int) -> Bool = { _ in true }
) -> [(slot: Int, distance: Double)] {
  let all = vectors.indices.filter(admitted).map {
    ($0, referenceDistance(metric, vectors[$0], query))
  }
  return Array(all.sorted { $0.1 < $1.1 || ($0.1 == $1.1 && $0.0 < $1.0) }.prefix(k))
    .map { (slot: $0.0, distance: $0.1) }
}

/// Mean fraction of the exact top `k` that the approximate results contain.
func recall(_ approximate: [[VectorHit]], _ exact: [[VectorHit]], k: Int) -> Double {
  var hits = 0
  for (a, e) in zip(approximate, exact) {
    hits += Set(a.prefix(k).map(\.slot)).intersection(e.prefix(k).map(\.slot)).count
  }
  return Double(hits) / Double(exact.count * k)
}

/// Whether hits are in ascending distance order, ties by slot.
func isSorted(_ hits: [VectorHit]) -> Bool {
  zip(hits, hits.dropFirst()).allSatisfy {
    $0.distance < $1.distance || ($0.distance == $1.distance && $0.slot < $1.slot)
  }
}

/// An index of `vectors` built with the given parameters.
func makeIndex(
  _ vectors: [[Float]], metric: VectorMetric, parameters: HNSWParameters = HNSWParameters()
) throws -> HNSWIndex {
  let index = HNSWIndex(dimension: vectors[0].count, metric: metric, parameters: parameters)
  _ = try index.add(vectors)
  return index
}
