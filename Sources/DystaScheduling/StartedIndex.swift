import DystaCore

/// The started (scanned) requests of a ``ReadyQueue`` seen through a min-heap of
/// time-invariant keys that a policy chooses — a lower bound of its score (Dysta) or the
/// score itself (SJF) — so a selection need not look at every started request.
///
/// The engine marks a request changed whenever it (re-)enters the scanned part or runs a
/// layer; the policy pushes a fresh key for every changed request at its next decision.
/// Entries are stamped: one whose request left the queue or changed since is dropped when
/// it reaches the top.
///
/// A reference type owned by one run's ``ReadyQueue`` so updates stay in place.
public final class StartedIndex: @unchecked Sendable {
    /// One heap entry.
    public struct Entry: Sendable {
        /// The key (smaller first).
        public var key: Double
        /// Tie-break after the key: arrival (s), then id.
        public var arrival: Double
        public var id: Int
        /// Request position and the stamp it had when pushed.
        public var position: Int32
        public var stamp: UInt32

        @inlinable func precedes(_ other: Entry) -> Bool {
            key < other.key || (key == other.key && (arrival < other.arrival || (arrival == other.arrival && id < other.id)))
        }
    }

    /// Index in the scanned elements of each request position (−1: not scanned).
    @exclusivity(unchecked) @usableFromInline var slots: [Int32]
    /// Per position: incremented whenever the request changes.
    @exclusivity(unchecked) @usableFromInline var stamps: [UInt32]
    /// Positions changed since the policy last drained them.
    @exclusivity(unchecked) @usableFromInline var changed: [Int32] = []
    /// The heap.
    @exclusivity(unchecked) @usableFromInline var heap: ContiguousArray<Entry> = []
    /// Entries popped during a search, to push back.
    @exclusivity(unchecked) @usableFromInline var scratch: ContiguousArray<Entry> = []
    /// The ready count the policy's keys assume at most (see ``ReadyQueue/rebuildStarted(count:_:)``);
    /// 0 while the heap is suspended (changes are then not recorded).
    @exclusivity(unchecked) @usableFromInline var keyCount = 0

    init(positions: Int) {
        slots = Array(repeating: -1, count: positions)
        stamps = Array(repeating: 0, count: positions)
    }

    func markChanged(_ position: Int) {
        stamps[position] &+= 1
        if keyCount > 0 { changed.append(Int32(position)) }
    }

    /// Removes entries whose request left or changed, keeping heap order (O(heap)).
    func dropStaleEntries() {
        var kept = 0
        for index in heap.indices {
            let entry = heap[index]
            let position = Int(entry.position)
            if slots[position] >= 0 && stamps[position] == entry.stamp {
                heap[kept] = entry
                kept += 1
            }
        }
        heap.removeLast(heap.count - kept)
        // Re-establish heap order bottom-up.
        var parent = heap.count / 2 - 1
        while parent >= 0 {
            siftDown(from: parent)
            parent -= 1
        }
    }

    @usableFromInline func siftDown(from start: Int) {
        var parent = start
        while true {
            let leftChild = 2 * parent + 1
            if leftChild >= heap.count { break }
            var child = leftChild
            if leftChild + 1 < heap.count && heap[leftChild + 1].precedes(heap[leftChild]) { child = leftChild + 1 }
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            parent = child
        }
    }

    @usableFromInline func push(_ entry: Entry) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard heap[child].precedes(heap[parent]) else { break }
            heap.swapAt(child, parent)
            child = parent
        }
    }

    @usableFromInline func popMin() -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(from: 0)
        }
        return top
    }
}

extension ReadyQueue {
    /// The count the current keys were computed for (policies may use it in their keys); 0 before any.
    public var startedKeyCount: Int { started?.keyCount ?? 0 }

    /// Empties the key heap: the policy scans instead until it next calls ``rebuildStarted(count:_:)``.
    public mutating func suspendStartedIndex() {
        guard let started, started.keyCount > 0 else { return }
        started.heap.removeAll(keepingCapacity: true)
        started.changed.removeAll(keepingCapacity: true)
        started.keyCount = 0
    }

    /// Rebuilds the key heap from every scanned request with `key`, recording `count` as
    /// ``startedKeyCount``.
    public mutating func rebuildStarted(count: Int, _ key: (ReadyRequest) -> Double) {
        guard let started else { return }
        started.heap.removeAll(keepingCapacity: true)
        started.changed.removeAll(keepingCapacity: true)
        started.keyCount = count
        for request in elements {
            started.push(
                StartedIndex.Entry(
                    key: Self.heapKey(key(request)), arrival: request.arrival, id: request.id,
                    position: Int32(request.position), stamp: started.stamps[request.position]))
        }
    }

    /// Searches the scanned requests in key order: pushes a key for every request changed since
    /// the last search, then visits each request whose key is at most `bound()` (re-read after
    /// every visit) with its index, re-keying it. Keys must be lower bounds of the policy's
    /// score at every later decision for the search to be exact.
    public mutating func searchStarted(
        key: (ReadyRequest) -> Double, whileKeyAtMost bound: () -> Double, visit: (Int, ReadyRequest) -> Void
    ) {
        guard started != nil else { return }
        for position in started!.changed {
            let slot = Int(started!.slots[Int(position)])
            guard slot >= 0 else { continue }
            let request = elements[slot]
            started!.push(
                StartedIndex.Entry(
                    key: Self.heapKey(key(request)), arrival: request.arrival, id: request.id, position: position,
                    stamp: started!.stamps[Int(position)]))
        }
        started!.changed.removeAll(keepingCapacity: true)
        if started!.heap.count > 2 * elements.count + 64 { started!.dropStaleEntries() }
        started!.scratch.removeAll(keepingCapacity: true)
        while let top = started!.heap.first, top.key <= bound() {
            _ = started!.popMin()
            let position = Int(top.position)
            let slot = Int(started!.slots[position])
            guard slot >= 0, started!.stamps[position] == top.stamp else { continue }
            let request = elements[slot]
            visit(slot, request)
            var updated = top
            updated.key = Self.heapKey(key(request))
            started!.scratch.append(updated)
        }
        for entry in started!.scratch { started!.push(entry) }
    }

    /// NaN keys sort first so such requests are always visited.
    @inlinable static func heapKey(_ value: Double) -> Double { value.isNaN ? -.infinity : value }
}
