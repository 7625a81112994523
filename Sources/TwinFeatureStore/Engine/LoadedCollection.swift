import Foundation
import GRDB
import Synchronization
import TwinCore
import TwinVectorIndex

/// A vector collection held in memory: its HNSW graph plus the maps between graph slots and
/// point ids, kept in step with the database rows.
///
/// Searches read the graph and the maps concurrently with a writer: the graph allows that
/// itself, and the maps sit behind a short mutex. Bringing the state up to date
/// (``catchUp(from:)``) is serialised by a second lock, and a search never waits for it: it
/// searches the state as of the last completed batch.
final class LoadedCollection: Sendable {
  let spec: VectorCollectionSpec
  let epoch: String
  let index: HNSWIndex
  private let state: Mutex<SlotState>
  /// Held while the collection is being caught up with the database.
  private let updating = Mutex<Void>(())

  /// Below this many candidate points a filtered search is exact: cheaper than walking the graph
  /// and never misses.
  static let exactSearchLimit = 2_000

  struct SlotState: Sendable {
    var generation: Int64 = 0
    var slotIDs: [String] = []
    var slotFields: [[String: JSONValue]] = []
    var idToSlot: [String: Int] = [:]
    var payloads = PayloadIndex()
    /// Points applied since the last snapshot was written.
    var unsnapshotted = 0
  }

  init(spec: VectorCollectionSpec, epoch: String) {
    self.spec = spec
    self.epoch = epoch
    index = HNSWIndex(
      dimension: spec.dimension, metric: spec.distance.indexMetric,
      parameters: HNSWParameters(m: spec.hnsw.m, efConstruction: spec.hnsw.efConstruction, efSearch: spec.hnsw.efSearch))
    state = Mutex(SlotState())
  }

  /// Restores a collection from a snapshot taken at some earlier generation.
  init(spec: VectorCollectionSpec, epoch: String, snapshot: CollectionSnapshot) {
    self.spec = spec
    self.epoch = epoch
    index = snapshot.index
    var restored = SlotState()
    restored.generation = snapshot.generation
    restored.slotIDs = snapshot.slotIDs
    restored.slotFields = snapshot.slotFields
    for (slot, id) in snapshot.slotIDs.enumerated() where !snapshot.index.isDeleted(slot) {
      restored.idToSlot[id] = slot
      restored.payloads.insert(slot: slot, fields: snapshot.slotFields[slot])
    }
    state = Mutex(restored)
  }

  var generation: Int64 { state.withLock { $0.generation } }
  var liveCount: Int { state.withLock { $0.idToSlot.count } }

  /// The snapshot of the current state, when enough has changed since the last one (or `force`).
  func snapshotIfDue(force: Bool) -> CollectionSnapshot? {
    updating.withLock { _ in
      let current = state.withLock { s -> SlotState? in
        guard force ? s.unsnapshotted > 0 : s.unsnapshotted >= 2_000 else { return nil }
        return s
      }
      guard let current else { return nil }
      state.withLock { $0.unsnapshotted = 0 }
      return CollectionSnapshot(
        epoch: epoch, generation: current.generation, slotIDs: current.slotIDs, slotFields: current.slotFields,
        index: index)
    }
  }

  /// Applies every change committed after this state's generation. With `wait` false, returns at
  /// once when another caller is already doing it.
  func catchUp(from database: VectorDatabase, wait: Bool) throws {
    if wait {
      try updating.withLock { _ in try applyPending(database) }
    } else {
      _ = try updating.withLockIfAvailable { _ in try applyPending(database) }
    }
  }

  /// A consistent read of everything committed after `since`.
  private struct Pending {
    var generation: Int64
    var rows: [(id: String, vector: [Float], fields: [String: JSONValue])]
    /// Every id in the collection, when points were deleted since `since` (deletions leave no
    /// row behind, so they show up as a count that the new rows cannot explain).
    var survivors: Set<String>?
  }

  private func applyPending(_ database: VectorDatabase) throws {
    let since = generation
    let name = spec.name
    let dimension = spec.dimension
    // One read transaction: rows, generation and count describe one committed state.
    let pending = try database.pool.read { db -> Pending? in
      guard let record = try CollectionRecord.fetch(db, name: name) else {
        throw TwinError.notFound(kind: .collection, name: "'\(name)'", hint: "it was dropped")
      }
      guard record.epoch == epoch else { throw TwinError.notFound(kind: .collection, name: "'\(name)'", hint: "it was re-created") }
      guard record.generation > since else { return nil }
      var rows: [(id: String, vector: [Float], fields: [String: JSONValue])] = []
      let cursor = try Row.fetchCursor(
        db, sql: "SELECT id, vector, payload FROM points WHERE collection = ? AND seq > ? ORDER BY seq, id",
        arguments: [name, since])
      while let row = try cursor.next() {
        let id: String = row["id"]
        guard let blob: Data = row["vector"] else { throw TwinError.storage("point '\(id)' in '\(name)' has no vector") }
        let payload = try PayloadJSON.decode(row["payload"], id: id)
        rows.append((id, try VectorBlob.decode(blob, dimension: dimension, id: id), PayloadIndex.indexedFields(payload)))
      }
      let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM points WHERE collection = ?", arguments: [name]) ?? 0
      let expected = state.withLock { s in
        s.idToSlot.count + rows.filter { s.idToSlot[$0.id] == nil }.count
      }
      var survivors: Set<String>?
      if count != expected {
        survivors = Set(try String.fetchAll(db, sql: "SELECT id FROM points WHERE collection = ?", arguments: [name]))
      }
      return Pending(generation: record.generation, rows: rows, survivors: survivors)
    }
    guard let pending else { return }
    try apply(pending.rows, generation: pending.generation, keepOnly: pending.survivors)
  }

  private func apply(
    _ rows: [(id: String, vector: [Float], fields: [String: JSONValue])], generation: Int64, keepOnly: Set<String>?
  ) throws {
    // Retire the slots being replaced or deleted first, so no search returns a stale copy.
    let retired = state.withLock { s -> [Int] in
      var retired: [Int] = []
      func retire(_ id: String) {
        guard let slot = s.idToSlot.removeValue(forKey: id) else { return }
        s.payloads.remove(slot: slot, fields: s.slotFields[slot])
        retired.append(slot)
      }
      for row in rows { retire(row.id) }
      if let keepOnly {
        for id in Array(s.idToSlot.keys) where !keepOnly.contains(id) { retire(id) }
      }
      return retired
    }
    for slot in retired { index.markDeleted(slot) }
    // Slots are dense and assigned in order, so the maps can be extended before the graph: a
    // search that finds a new slot can always resolve it.
    let first = index.slotCount
    state.withLock { s in
      precondition(s.slotIDs.count == first, "slot maps out of step with the graph")
      for row in rows {
        s.slotIDs.append(row.id)
        s.slotFields.append(row.fields)
      }
    }
    let slots = try index.add(rows.map(\.vector))
    state.withLock { s in
      for (row, slot) in zip(rows, slots) {
        s.idToSlot[row.id] = slot
        s.payloads.insert(slot: slot, fields: row.fields)
      }
      s.generation = generation
      s.unsnapshotted += rows.count + retired.count
    }
  }

  /// Nearest live points: exact over the filter's candidates when they are few, otherwise the
  /// HNSW graph with the filter applied to results.
  func search(_ vector: [Float], k: Int, filter: PayloadFilter?, efSearch: Int?) -> [(id: String, distance: Float)] {
    var candidates: Set<Int>?
    if let filter, !filter.isEmpty {
      candidates = state.withLock { $0.payloads.slots(matching: filter) }
    }
    let hits: [VectorHit]
    if let candidates {
      if candidates.isEmpty { return [] }
      if candidates.count <= Self.exactSearchLimit {
        hits = index.exactSearch(vector, k: k, among: candidates.sorted())
      } else {
        hits = index.search(vector, k: k, ef: efSearch, filter: { candidates.contains($0) })
      }
    } else if liveCount <= Self.exactSearchLimit {
      hits = index.exactSearch(vector, k: k)
    } else {
      hits = index.search(vector, k: k, ef: efSearch)
    }
    return state.withLock { s in
      hits.compactMap { hit in
        guard hit.slot < s.slotIDs.count else { return nil }
        let id = s.slotIDs[hit.slot]
        // A slot retired after the graph answered is skipped.
        guard s.idToSlot[id] == hit.slot else { return nil }
        return (id, hit.distance)
      }
    }
  }
}

extension VectorDistance {
  var indexMetric: VectorMetric {
    switch self {
    case .cosine: .cosine
    case .dot: .dot
    case .l2: .l2
    }
  }
}
