import TwinTensor

/// How much an answer reads like its author rather than like the other authors, measured on
/// sentence embeddings.
///
/// Each author's centroid is the mean of the embeddings of their reference texts. An answer's
/// score is its cosine to its author's centroid minus its largest cosine to another author's
/// centroid: above 0 it is nearer its own author. With one author there is nothing to tell
/// apart, and the score is the cosine to that author's centroid.
public struct StyleMatch: Sendable {
  /// Each author's mean embedding.
  public let centroids: [String: [Float]]

  /// Centroids of `references`, each an author and an embedding.
  public init(references: [(author: String, vector: [Float])]) {
    var sums: [String: [Float]] = [:]
    var counts: [String: Int] = [:]
    for (author, vector) in references {
      var sum = sums[author] ?? [Float](repeating: 0, count: vector.count)
      guard sum.count == vector.count else { continue }
      for i in vector.indices { sum[i] += vector[i] }
      sums[author] = sum
      counts[author, default: 0] += 1
    }
    var centroids: [String: [Float]] = [:]
    for (author, sum) in sums {
      let n = Float(counts[author] ?? 1)
      centroids[author] = sum.map { $0 / n }
    }
    self.centroids = centroids
  }

  /// The score of `answer`, written for `author`; nil when the author has no centroid.
  public func score(_ answer: [Float], author: String) -> Double? {
    guard let own = centroids[author] else { return nil }
    let mine = Double(Kernels.cosine(answer, own))
    let others = centroids.filter { $0.key != author }.values.map { Double(Kernels.cosine(answer, $0)) }
    return others.max().map { mine - $0 } ?? mine
  }
}
