import DystaCore
#if DYSTA_COUNTERS
    import Foundation
#endif

/// The scanned requests of a ``ReadyQueue`` seen through min-heaps of keys that a policy
/// chooses — a lower bound of its score (Dysta) or the score itself (SJF) — so a selection
/// need not look at every scanned request.
///
/// A key is linear in time: `base + slope · t`, with one heap ("lane") per slope, so the
/// order within a lane never changes while time passes. A policy whose score grows with
/// waiting time at a rate shared by a class of requests (Dysta: idle / estIso / n, per
/// variant) gives each class a lane, and its keys then stay tight lower bounds instead of
/// falling behind the score as time passes.
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
        /// The key's time-invariant part (smaller first).
        public var base: Double
        /// Request position and the stamp it had when pushed. Positions follow the engine's
        /// order — arrival, then id (``RunSetup/requests``) — so they are also the tie-break.
        public var position: Int32
        public var stamp: UInt32

        /// Key order, ties by position (= earlier arrival, then lower id).
        @inlinable func precedes(_ other: Entry) -> Bool {
            base < other.base || (base == other.base && position < other.position)
        }
    }

    /// Where a request's key goes: its lane and the key's time-invariant part.
    public struct Key: Sendable {
        /// The lane (0 ..< lane count given to ``ReadyQueue/rebuildStarted(count:slopes:_:)``).
        public var lane: Int
        /// The key at time 0; the key at time t is `base + slope(lane) · t`.
        public var base: Double

        /// Creates a key.
        @inlinable public init(lane: Int, base: Double) {
            self.lane = lane
            self.base = base
        }
    }

    /// Index in the scanned elements of each request position (−1: not scanned).
    @exclusivity(unchecked) @usableFromInline var slots: [Int32]
    /// Per position: incremented whenever the request changes.
    @exclusivity(unchecked) @usableFromInline var stamps: [UInt32]
    /// Positions changed since the policy last drained them.
    @exclusivity(unchecked) @usableFromInline var changed: [Int32] = []
    /// One heap per lane.
    @exclusivity(unchecked) @usableFromInline var lanes: [ContiguousArray<Entry>] = []
    /// The key's slope (per second) of each lane.
    @exclusivity(unchecked) @usableFromInline var slopes: [Double] = []
    /// Entries in all lanes.
    @exclusivity(unchecked) @usableFromInline var entryCount = 0
    /// Requests held out of the heaps since the last search (see `holdsChanged` of
    /// ``ReadyQueue/searchStarted(at:key:whileKeyAtMost:keepVisited:holdsChanged:visit:)``), with
    /// their stamps when held.
    @exclusivity(unchecked) @usableFromInline var held: [(position: Int32, stamp: UInt32)] = []
    /// Entries popped during a search, to push back, with their lanes.
    @exclusivity(unchecked) @usableFromInline var scratch: ContiguousArray<(lane: Int, entry: Entry)> = []
    /// The ready count the policy's keys assume at most (see ``ReadyQueue/rebuildStarted(count:slopes:_:)``);
    /// 0 while the heaps are suspended (changes are then not recorded).
    @exclusivity(unchecked) @usableFromInline var keyCount = 0
    /// The kinetic tournament of a policy that searches upper-bound lines instead of heaps
    /// (see ``ReadyQueue/searchStartedLines(at:offset:line:whileBoundAtLeast:visit:)``).
    @exclusivity(unchecked) @usableFromInline var tournament: KineticTournament?

    init(positions: Int) {
        slots = Array(repeating: -1, count: positions)
        stamps = Array(repeating: 0, count: positions)
    }

    /// Notes that a request changed. While the heaps are suspended nothing is recorded: a
    /// rebuild stamps every entry afresh.
    func markChanged(_ position: Int) {
        guard keyCount > 0 else { return }
        stamps[position] &+= 1
        changed.append(Int32(position))
    }

    /// Whether an entry still stands for its request as it is now.
    @inlinable func isCurrent(_ entry: Entry) -> Bool {
        let position = Int(entry.position)
        return slots[position] >= 0 && stamps[position] == entry.stamp
    }

    /// Removes entries whose request left or changed, keeping heap order (O(entries)).
    func dropStaleEntries() {
        entryCount = 0
        for lane in lanes.indices {
            lanes[lane].removeAll { !isCurrent($0) }
            Self.heapify(&lanes[lane])
            entryCount += lanes[lane].count
        }
    }

    /// The key of a lane's top entry at `time`, made a little smaller so that rounding in
    /// `base + slope · time` cannot lift it above the exact value (+∞ for an empty lane).
    @inlinable func topKey(lane: Int, at time: Double) -> Double {
        guard let top = lanes[lane].first else { return .infinity }
        let growth = slopes[lane] * time
        let key = top.base + growth
        guard key.isFinite else { return key }
        return key - 1e-12 * (abs(top.base) + abs(growth))
    }

    @usableFromInline static func heapify(_ heap: inout ContiguousArray<Entry>) {
        guard heap.count > 1 else { return }
        var parent = (heap.count - 2) / arity
        while parent >= 0 {
            siftDown(&heap, from: parent)
            parent -= 1
        }
    }

    /// Children per heap node: a 4-ary heap is half as deep as a binary one, and a node's
    /// four 16-byte children share one cache line (the heaps of an overloaded run are far
    /// larger than the caches). Pop order is the entries' total order whatever the arity.
    @usableFromInline static var arity: Int { 4 }

    @usableFromInline static func siftDown(_ heap: inout ContiguousArray<Entry>, from start: Int) {
        let count = heap.count
        let moving = heap[start]
        var hole = start
        while true {
            let first = arity * hole + 1
            if first >= count { break }
            var child = first
            let end = min(first + arity, count)
            var candidate = first + 1
            while candidate < end {
                if heap[candidate].precedes(heap[child]) { child = candidate }
                candidate += 1
            }
            guard heap[child].precedes(moving) else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = moving
    }

    @usableFromInline func push(_ entry: Entry, lane: Int) {
        entryCount += 1
        Self.push(entry, onto: &lanes[lane])
    }

    @usableFromInline static func push(_ entry: Entry, onto heap: inout ContiguousArray<Entry>) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / arity
            guard entry.precedes(heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    @usableFromInline func popMin(lane: Int) -> Entry {
        entryCount -= 1
        return Self.popMin(from: &lanes[lane])
    }

    @usableFromInline static func popMin(from heap: inout ContiguousArray<Entry>) -> Entry {
        let top = heap[0]
        let last = heap.removeLast()
        if !heap.isEmpty {
            heap[0] = last
            siftDown(&heap, from: 0)
        }
        return top
    }
}

extension ReadyQueue {
    /// The count the current keys were computed for (policies may use it in their keys); 0 before any.
    public var startedKeyCount: Int { started?.keyCount ?? 0 }

    /// Whether the queue keeps a ``StartedIndex`` (its policy can search it).
    public var tracksPositions: Bool { started != nil }

    /// The index among the scanned requests of request `position`, when the queue tracks
    /// positions (``tracksPositions``) and the request is scanned; else nil.
    public func scannedIndex(ofPosition position: Int) -> Int? {
        guard let started else { return nil }
        let slot = Int(started.slots[position])
        return slot >= 0 ? slot : nil
    }

    /// The lane slopes of the current heaps (empty before any).
    public var startedSlopes: [Double] { started?.slopes ?? [] }

    /// Empties the key heaps: the policy scans instead until it next calls ``rebuildStarted(count:slopes:_:)``.
    public mutating func suspendStartedIndex() {
        guard let started, started.keyCount > 0 else { return }
        for lane in started.lanes.indices { started.lanes[lane].removeAll(keepingCapacity: true) }
        started.entryCount = 0
        started.changed.removeAll(keepingCapacity: true)
        started.held.removeAll(keepingCapacity: true)
        started.keyCount = 0
    }

    /// Rebuilds the key heaps from every scanned request with `key`, one lane per element of
    /// `slopes` (the key of lane l at time t is `base + slopes[l] · t`), recording `count` as
    /// ``startedKeyCount``.
    public mutating func rebuildStarted(count: Int, slopes: [Double], _ key: (ReadyRequest) -> StartedIndex.Key) {
        guard let started else { return }
        if started.lanes.count != slopes.count {
            started.lanes = Array(repeating: [], count: slopes.count)
        } else {
            for lane in started.lanes.indices { started.lanes[lane].removeAll(keepingCapacity: true) }
        }
        started.slopes = slopes
        started.changed.removeAll(keepingCapacity: true)
        started.held.removeAll(keepingCapacity: true)
        started.keyCount = count
        for request in elements {
            let key = key(request)
            started.lanes[key.lane].append(
                StartedIndex.Entry(
                    base: Self.heapKey(key.base),
                    position: Int32(request.position), stamp: started.stamps[request.position]))
        }
        started.entryCount = elements.count
        for lane in started.lanes.indices { StartedIndex.heapify(&started.lanes[lane]) }
    }

    /// Searches the scanned requests in key order at `time`: pushes a key for every request
    /// changed since the last search, then visits each request whose key is at most `bound()`
    /// (re-read after every visit) with its index, re-keying it. Keys must be lower bounds of
    /// the policy's score at every later decision for the search to be exact.
    ///
    /// With `keepVisited` false, visited entries are not put back: only for a search that
    /// visits exactly the request it then selects (the engine runs it, so it changes and gets
    /// a new entry); otherwise call ``suspendStartedIndex()`` before selecting anything else.
    ///
    /// With `holdsChanged`, requests changed since the last search are not pushed but held out
    /// of the heaps and visited first, unconditionally; a held request that has not changed again
    /// by the next search is pushed then. A request that runs at decision after decision (the
    /// usual case: its remaining time only falls) thus costs no heap operation at all. Every
    /// search of the queue must then pass `holdsChanged: true` and keep visited entries.
    public mutating func searchStarted(
        at time: Double, key: (ReadyRequest) -> StartedIndex.Key, whileKeyAtMost bound: () -> Double,
        keepVisited: Bool = true, holdsChanged: Bool = false, visit: (Int, ReadyRequest) -> Void
    ) {
        guard let started else { return }
        #if DYSTA_COUNTERS
            SearchCounters.searched(scanned: elements.count)
        #endif
        if holdsChanged {
            holdChangedRequests(key: key)
            for (position, _) in started.held {
                let slot = Int(started.slots[Int(position)])
                visit(slot, elements[slot])
            }
        } else {
            pushChangedRequests(key: key)
        }
        started.scratch.removeAll(keepingCapacity: true)
        let laneCount = started.lanes.count
        while true {
            // The lane whose top has the smallest key now.
            var lane = -1
            var smallest = Double.infinity
            for candidate in 0..<laneCount {
                let topKey = started.topKey(lane: candidate, at: time)
                if lane < 0 || topKey < smallest {
                    lane = candidate
                    smallest = topKey
                }
            }
            guard lane >= 0, !started.lanes[lane].isEmpty, smallest <= bound() else { break }
            let top = started.popMin(lane: lane)
            #if DYSTA_COUNTERS
                SearchCounters.entries += 1
            #endif
            guard started.isCurrent(top) else { continue }
            let slot = Int(started.slots[Int(top.position)])
            let request = elements[slot]
            visit(slot, request)
            guard keepVisited else { continue }
            let key = key(request)
            var updated = top
            updated.base = Self.heapKey(key.base)
            started.scratch.append((key.lane, updated))
        }
        for (lane, entry) in started.scratch { started.push(entry, lane: lane) }
    }

    /// Pushes the held requests that did not change again, then holds the requests changed since
    /// the last call (at most a few; the rest are pushed), then drops stale entries when they
    /// outnumber the live ones.
    mutating func holdChangedRequests(key: (ReadyRequest) -> StartedIndex.Key) {
        guard let started else { return }
        for (position, stamp) in started.held {
            let slot = Int(started.slots[Int(position)])
            // Changed again (or gone): its new state is in `changed`, or it left.
            guard slot >= 0, started.stamps[Int(position)] == stamp else { continue }
            pushCurrentEntry(slot: slot, key: key)
        }
        started.held.removeAll(keepingCapacity: true)
        for position in started.changed {
            let slot = Int(started.slots[Int(position)])
            guard slot >= 0, !started.held.contains(where: { $0.position == position }) else { continue }
            if started.held.count < 4 {
                started.held.append((position, started.stamps[Int(position)]))
            } else {
                pushCurrentEntry(slot: slot, key: key)
            }
        }
        forgetChangesAndDropStaleEntries()
    }

    /// Pushes an entry with `key` for every request changed since the last call, then drops
    /// stale entries when they outnumber the live ones.
    mutating func pushChangedRequests(key: (ReadyRequest) -> StartedIndex.Key) {
        guard let started else { return }
        for position in started.changed {
            let slot = Int(started.slots[Int(position)])
            if slot >= 0 { pushCurrentEntry(slot: slot, key: key) }
        }
        forgetChangesAndDropStaleEntries()
    }

    /// Pushes an entry, stamped as its request is now, for the scanned request at `slot`.
    @inline(__always) mutating func pushCurrentEntry(slot: Int, key: (ReadyRequest) -> StartedIndex.Key) {
        let started = started!
        let request = elements[slot]
        let key = key(request)
        let position = request.position
        started.push(
            StartedIndex.Entry(base: Self.heapKey(key.base), position: Int32(position), stamp: started.stamps[position]),
            lane: key.lane)
    }

    /// Empties the changed list, then drops stale entries when they outnumber the live ones.
    mutating func forgetChangesAndDropStaleEntries() {
        guard let started else { return }
        started.changed.removeAll(keepingCapacity: true)
        if started.entryCount > 2 * elements.count + 64 { started.dropStaleEntries() }
    }

    /// Whether keeping the heaps pays at the current length of the scanned queue: below `low`
    /// requests they are suspended (a scan is cheaper) and they start again only above `high`.
    /// False means: scan.
    public mutating func startedHeapsPay(low: Int, high: Int) -> Bool {
        guard started != nil else { return false }
        if elements.count < low || (elements.count <= high && startedKeyCount == 0) {
            suspendStartedIndex()
            return false
        }
        return true
    }

    /// For keys that assume at most N ready requests: the N to rebuild them with when the
    /// heaps are suspended or `readyCount` left the band the current N allows (N ≥ count, and
    /// at most ≈ 1/128 above it), else nil. A new N is 1/256 above the count.
    public func startedKeyCountToRebuild(readyCount: Int) -> Int? {
        let current = startedKeyCount
        guard current == 0 || readyCount > current || readyCount + readyCount / 128 + 1 < current else { return nil }
        return readyCount + readyCount / 256 + 1
    }

    /// NaN keys sort first so such requests are always visited.
    @inlinable static func heapKey(_ value: Double) -> Double { value.isNaN ? -.infinity : value }
}

extension ReadyQueue {
    /// The index of the scanned request with the smallest `key` (ties: earlier arrival, then
    /// lower id — as ``argmin(_:_:)``), found through the ``StartedIndex`` when the queue is
    /// long; nil when the queue has no such index (the caller scans).
    ///
    /// `key` must not change while a request waits: it may read only fields the engine
    /// updates when the request runs a layer (e.g. SJF's R = γ · remaining estimate).
    public mutating func argminOfInvariantKey(_ key: (ReadyRequest) -> Double) -> Int? {
        guard startedHeapsPay(low: 128, high: 256), let started else { return nil }
        let lane = { (request: ReadyRequest) in StartedIndex.Key(lane: 0, base: key(request)) }
        if startedKeyCount == 0 { rebuildStarted(count: 1, slopes: [0], lane) }
        // Requests that ran since the last decision are held out of the heap (the one that keeps
        // running costs no heap operation); the rest is the heap's first current entry, whose
        // order (key, position) is `argmin`'s (key, arrival, id).
        holdChangedRequests(key: lane)
        var best = -1
        var bestKey = 0.0
        var bestPosition = Int32.max
        func offer(_ slot: Int, _ position: Int32) -> Bool {
            let value = key(elements[slot])
            // A NaN key sorts first in the heap but never wins a scan: let the caller scan.
            guard !value.isNaN else { return false }
            if best < 0 || value < bestKey || (value == bestKey && position < bestPosition) {
                best = slot
                bestKey = value
                bestPosition = position
            }
            return true
        }
        for (position, _) in started.held {
            guard offer(Int(started.slots[Int(position)]), position) else {
                suspendStartedIndex()
                return nil
            }
        }
        while let top = started.lanes[0].first {
            guard started.isCurrent(top) else {
                _ = started.popMin(lane: 0)
                continue
            }
            guard offer(Int(started.slots[Int(top.position)]), top.position) else {
                suspendStartedIndex()
                return nil
            }
            break
        }
        return best >= 0 ? best : nil
    }

}

extension ReadyQueue {
    /// Starts recording which requests enter the queue or run a layer, for a policy that keeps
    /// its own structures over request positions (``drainChangedPositions(_:)``); false when the
    /// queue does not track positions (the caller scans). Any key heaps are emptied.
    public mutating func startRecordingChanges() -> Bool {
        guard let started else { return false }
        started.lanes = []
        started.slopes = []
        started.entryCount = 0
        started.changed.removeAll(keepingCapacity: true)
        started.keyCount = 1
        return true
    }

    /// Stops recording changes (``startRecordingChanges()``); nothing is recorded until it starts again.
    public mutating func stopRecordingChanges() { suspendStartedIndex() }

    /// Calls `body` with the position of every request that entered the queue or ran a layer
    /// since the last call (a position may come more than once; its request may have left the
    /// queue since: see ``scannedIndex(ofPosition:)``), then forgets them.
    public func drainChangedPositions(_ body: (Int) -> Void) {
        guard let started else { return }
        for position in started.changed { body(Int(position)) }
        started.changed.removeAll(keepingCapacity: true)
    }

    /// A number that changes whenever request `position` enters the queue or runs a layer while
    /// changes are recorded (0 without position tracking).
    @inlinable public func changeStamp(ofPosition position: Int) -> UInt32 {
        started?.stamps[position] ?? 0
    }
}

#if DYSTA_COUNTERS
    /// Searches of the started requests and the entries they take, in an instrumented build
    /// only (`swift build -c release -Xswiftc -DDYSTA_COUNTERS`, docs/performance.md): heap
    /// entries popped, or requests a kinetic-tournament search visits. Every 10⁶ searches a
    /// line on standard error gives the entries per search so far and the scanned requests at
    /// that moment. Process-wide, so meaningful for one run on one thread (`dysta bench` with
    /// one scheduler, load and count).
    enum SearchCounters {
        nonisolated(unsafe) static var searches = 0
        nonisolated(unsafe) static var entries = 0

        static func searched(scanned: Int) {
            searches += 1
            guard searches % 1_000_000 == 0 else { return }
            let line = "searches \(searches): \(Double(entries) / Double(searches)) entries per search so far, \(scanned) scanned requests now\n"
            FileHandle.standardError.write(Data(line.utf8))
        }
    }
#endif
