import DystaCore

/// `lax-srpt`'s selection without a pass over the whole ready queue (default semantics, long
/// queues): the queue splits at the decision instant t into requests whose deadline has passed
/// (P) and the rest (F).
///
/// In rule 1's deadline order P comes first, and each request of P is set aside the moment
/// Moore–Hodgson reaches it: its deadline is behind it, so even alone it is late, and the
/// accepted set before it is empty — the heap holds only itself. So no request of P is ever
/// accepted, the pass reaches F with an empty heap and a total of exactly 0, and a request of
/// F meets exactly the pushes, comparisons and pops it meets in the full pass: rule 1 runs on
/// F alone. P enters rule 2 only through the set-aside candidates' test against the bound of
/// all accepted requests, and rule 3 only through minima in (R̂ · Î, arrival, id) order. P is
/// kept in structures that answer those minima without visiting it:
/// - every request of P in one heap by (key, arrival, id): the Smith choice of all;
/// - requests of P that are not yet candidates again (t − lastRun ≤ `aging` · Î) in a heap by
///   the instant they become one;
/// - candidates in a tournament tree over the distinct values of (1 + m) · share · δ (fixed
///   at `prepare`, one leaf per value, each leaf a heap by (key, arrival, id)), so "the first
///   candidate whose next layer fits the bound" is a prefix minimum.
/// Entries are stamped with the queue's change stamp; an entry whose request ran or left since
/// is dropped when it surfaces. F — requests whose deadline is still ahead, at most the
/// arrivals of the last deadline window, whatever the queue's length — is kept in deadline
/// order and scanned as before. A decision costs O(|F| + log n) plus O(log n) per request that
/// arrived, ran or passed its deadline since the last one.
///
/// Used only when the split is exact: rule 1 on (`demote=true`), no starvation cap, a
/// margin ≥ −1, and predicted times and estimates that are finite and ≥ 0 (checked at
/// `prepare`); the plain scan (`choose`) stays the reference and runs otherwise, for short
/// queues and with `dysta bench --scan-all`.
///
/// A reference type owned by one policy value, replaced at every `prepare`, so updates stay in place.
final class LaxSRPTSplit: @unchecked Sendable {
    /// One heap entry: a request of P with its rule-3 key.
    struct Entry: Sendable {
        var key: Double
        var arrival: Double
        var id: Int
        var position: Int32
        var stamp: UInt32

        /// Rule 3's order: key, then earlier arrival, then lower id.
        @inline(__always) func precedes(_ other: Entry) -> Bool {
            key < other.key || (key == other.key && (arrival < other.arrival || (arrival == other.arrival && id < other.id)))
        }
    }

    /// A request of P waiting to become a candidate again.
    struct Waiting: Sendable {
        /// About when it becomes one (lastRun + aging · Î; the exact test decides).
        var activation: Double
        var position: Int32
        var stamp: UInt32
    }

    /// Where a request is kept.
    enum Place: UInt8 {
        case none, future, past
    }

    /// Whether `prepare` found the run fit for the split.
    @exclusivity(unchecked) var eligible = false
    /// Whether the structures mirror the queue (changes are being recorded).
    @exclusivity(unchecked) var active = false
    /// Per position.
    @exclusivity(unchecked) var place: [Place] = []
    /// Per position: the stamp of its current P entries (to skip repeated change notices).
    @exclusivity(unchecked) var pushedStamp: [UInt32] = []
    /// The run's request table (``RunSetup/requests``, shared, not copied): F's order by
    /// deadline, arrival and id, read also while a request is away on another accelerator.
    @exclusivity(unchecked) var requests: [Request] = []
    /// F: positions by (deadline, arrival, id).
    @exclusivity(unchecked) var future: [Int32] = []
    /// All of P, by rule 3's order.
    @exclusivity(unchecked) var past: ContiguousArray<Entry> = []
    /// P's non-candidates, by activation.
    @exclusivity(unchecked) var waiting: ContiguousArray<Waiting> = []
    /// Scratch for waiting entries to push back.
    @exclusivity(unchecked) var waitingScratch: ContiguousArray<Waiting> = []
    /// Sorted distinct values of (1 + m) · share · δ over every (sample, layer).
    @exclusivity(unchecked) var leafValues: [Double] = []
    /// Per entry of the policy's `predicted` table (row + executed layers): its leaf.
    @exclusivity(unchecked) var leafOfRow: [Int32] = []
    /// Per leaf: P's candidates with that value, by rule 3's order.
    @exclusivity(unchecked) var leaves: [ContiguousArray<Entry>] = []
    /// The tournament over the leaves' tops: node → the leaf with the first top (−1: none);
    /// leaves at `treeBase + leaf`.
    @exclusivity(unchecked) var tree: [Int32] = []
    @exclusivity(unchecked) var treeBase = 1
    /// Entries pushed since the last rebuild (stale ones included), to bound memory.
    @exclusivity(unchecked) var entryCount = 0

    /// Whether leaf `a`'s top comes before leaf `b`'s (either may be −1 or empty).
    @inline(__always) func leafPrecedes(_ a: Int32, _ b: Int32) -> Bool {
        guard a >= 0, let top = leaves[Int(a)].first else { return false }
        guard b >= 0, let other = leaves[Int(b)].first else { return true }
        return top.precedes(other)
    }

    /// Recomputes the tournament on the path above `leaf`.
    func updatePath(ofLeaf leaf: Int) {
        var node = (treeBase + leaf) / 2
        tree[treeBase + leaf] = leaves[leaf].isEmpty ? -1 : Int32(leaf)
        while node >= 1 {
            let left = tree[2 * node], right = tree[2 * node + 1]
            tree[node] = leafPrecedes(right, left) ? right : left
            node /= 2
        }
    }

    /// The leaf with the first top among leaves 0 … `last` (−1: none).
    func prefixMinimum(through last: Int) -> Int32 {
        var best: Int32 = -1
        var low = treeBase, high = treeBase + last + 1  // [low, high)
        while low < high {
            if low & 1 == 1 {
                if leafPrecedes(tree[low], best) { best = tree[low] }
                low += 1
            }
            if high & 1 == 1 {
                high -= 1
                if leafPrecedes(tree[high], best) { best = tree[high] }
            }
            low /= 2
            high /= 2
        }
        return best
    }

    static func push<Element>(_ entry: Element, onto heap: inout ContiguousArray<Element>, _ precedes: (Element, Element) -> Bool) {
        heap.append(entry)
        var child = heap.count - 1
        while child > 0 {
            let parent = (child - 1) / 2
            guard precedes(entry, heap[parent]) else { break }
            heap[child] = heap[parent]
            child = parent
        }
        heap[child] = entry
    }

    static func popFirst<Element>(_ heap: inout ContiguousArray<Element>, _ precedes: (Element, Element) -> Bool) {
        let last = heap.removeLast()
        guard !heap.isEmpty else { return }
        let count = heap.count
        var hole = 0
        while true {
            let left = 2 * hole + 1
            if left >= count { break }
            var child = left
            if left + 1 < count && precedes(heap[left + 1], heap[left]) { child = left + 1 }
            guard precedes(heap[child], last) else { break }
            heap[hole] = heap[child]
            hole = child
        }
        heap[hole] = last
    }
}

extension LaxSRPTPolicy {
    /// Queues shorter than this are scanned (the structures are dropped below it and rebuilt
    /// above `splitHigh`).
    static var splitLow: Int { 48 }
    static var splitHigh: Int { 96 }

    /// Fills the split's per-run tables (see ``LaxSRPTSplit``); leaves it ineligible when the
    /// split would not be exact.
    mutating func prepareSplit(for run: RunSetup, rowStart: [Int], variantStart: [Int]) {
        split = LaxSRPTSplit()
        let stretch = 1 + margin
        guard demotesHopeless, !starvationCap.isFinite, stretch.isFinite, stretch >= 0, agingFactor.isFinite,
            agingFactor >= 0, predicted.allSatisfy({ $0.isFinite && $0 >= 0 })
        else { return }
        let factor = stretch * (1 / Double(accelerators))
        let estimates = run.profile.tables.variants(patternAware: estimateSource == .patternAware)
        var values = [Double](repeating: 0, count: predicted.count)
        for (variantIndex, variant) in run.profile.variants.enumerated() {
            let table = estimates[variantIndex]
            for layer in 0..<table.layerCount {
                guard table.estimate[layer].isFinite && table.estimate[layer] >= 0 else { return }
            }
            for sample in 0..<variant.sampleCount {
                let row = rowStart[variantStart[variantIndex] + sample]
                for layer in 0..<table.layerCount {
                    // As `nextLayer` and rule 2 compute it.
                    let next = max(predicted[row + layer] - predicted[row + layer + 1], table.estimate[layer])
                    values[row + layer] = factor * next
                }
            }
        }
        var distinct = values
        distinct.sort()
        var unique: [Double] = []
        unique.reserveCapacity(distinct.count)
        for value in distinct where unique.last != value { unique.append(value) }
        split.leafValues = unique
        split.leafOfRow = values.map { value in
            var low = 0, high = unique.count - 1
            while low < high {
                let middle = (low + high) / 2
                if unique[middle] < value { low = middle + 1 } else { high = middle }
            }
            return Int32(low)
        }
        split.place = Array(repeating: .none, count: run.requests.count)
        split.pushedStamp = Array(repeating: 0, count: run.requests.count)
        split.requests = run.requests
        split.eligible = true
    }

    /// Rules 1–3 through the split, or nil when the caller must scan (see ``LaxSRPTSplit``).
    mutating func chooseSplit(_ ready: inout ReadyQueue, count: Int, now: Double, _ entries: UnsafeMutableBufferPointer<Entry>) -> (guarded: Int, free: Int, any: Int, overloaded: Bool)? {
        guard split.eligible, ready.tracksPositions else { return nil }
        if count < Self.splitLow || (!split.active && count <= Self.splitHigh) {
            if split.active {
                ready.stopRecordingChanges()
                split.active = false
            }
            return nil
        }
        let state = split
        if !state.active || state.entryCount > 4 * count + 4096 {
            rebuild(state, &ready, now: now)
        } else {
            absorbChanges(state, &ready, now: now)
        }
        return chooseSplit(state: state, ready, now: now, entries)
    }

    /// Rebuilds the structures from the whole queue and starts recording changes.
    func rebuild(_ state: LaxSRPTSplit, _ ready: inout ReadyQueue, now: Double) {
        _ = ready.startRecordingChanges()
        state.active = true
        state.entryCount = 0
        for position in state.future { state.place[Int(position)] = .none }
        state.future.removeAll(keepingCapacity: true)
        for entry in state.past { state.place[Int(entry.position)] = .none }
        state.past.removeAll(keepingCapacity: true)
        state.waiting.removeAll(keepingCapacity: true)
        if state.tree.isEmpty {
            state.leaves = Array(repeating: [], count: state.leafValues.count)
            var base = 1
            while base < max(state.leafValues.count, 1) { base *= 2 }
            state.treeBase = base
            state.tree = Array(repeating: -1, count: 2 * base)
        } else {
            for leaf in state.leaves.indices where !state.leaves[leaf].isEmpty {
                state.leaves[leaf].removeAll(keepingCapacity: true)
                state.updatePath(ofLeaf: leaf)
            }
        }
        for index in ready.indices { place(ready[index].position, state, ready, now: now) }
    }

    /// Brings the structures up to date with the requests that entered or ran since the last
    /// decision and with the deadlines and waiting times that passed.
    func absorbChanges(_ state: LaxSRPTSplit, _ ready: inout ReadyQueue, now: Double) {
        ready.drainChangedPositions { position in
            switch state.place[position] {
            case .future:
                return  // F is read afresh at every decision
            case .past:
                guard ready.changeStamp(ofPosition: position) != state.pushedStamp[position] else { return }
                place(position, state, ready, now: now)
            case .none:
                place(position, state, ready, now: now)
            }
        }
        // Deadlines passed: F's front moves to P.
        var passed = 0
        while passed < state.future.count {
            let position = Int(state.future[passed])
            guard let index = ready.scannedIndex(ofPosition: position) else {
                state.place[position] = .none
                passed += 1
                continue
            }
            guard ready[index].deadline < now else { break }
            state.place[position] = .none
            place(position, state, ready, now: now)
            passed += 1
        }
        if passed > 0 { state.future.removeFirst(passed) }
        // P's non-candidates whose aging has passed.
        state.waitingScratch.removeAll(keepingCapacity: true)
        let waits: (LaxSRPTSplit.Waiting, LaxSRPTSplit.Waiting) -> Bool = { $0.activation < $1.activation }
        while let top = state.waiting.first {
            let position = Int(top.position)
            guard let index = ready.scannedIndex(ofPosition: position), ready.changeStamp(ofPosition: position) == top.stamp else {
                LaxSRPTSplit.popFirst(&state.waiting, waits)
                continue
            }
            guard top.activation <= now + 1e-12 * (abs(now) + abs(top.activation)) else { break }
            LaxSRPTSplit.popFirst(&state.waiting, waits)
            let request = ready[index]
            if now - request.lastRun > agingFactor * isolated(request) {
                addCandidate(entry(of: request, stamp: top.stamp), request, state)
            } else {
                state.waitingScratch.append(top)
            }
        }
        for entry in state.waitingScratch { LaxSRPTSplit.push(entry, onto: &state.waiting, waits) }
    }

    /// The P entry of a request.
    func entry(of request: ReadyRequest, stamp: UInt32) -> LaxSRPTSplit.Entry {
        LaxSRPTSplit.Entry(key: order(request), arrival: request.arrival, id: request.id, position: Int32(request.position), stamp: stamp)
    }

    /// Puts a queued request (if it is still queued) in F or P as its deadline says.
    func place(_ position: Int, _ state: LaxSRPTSplit, _ ready: borrowing ReadyQueue, now: Double) {
        guard let index = ready.scannedIndex(ofPosition: position) else { return }
        let request = ready[index]
        if request.deadline >= now {
            guard state.place[position] != .future else { return }
            state.place[position] = .future
            // Insert by (deadline, arrival, id); arrivals mostly belong at the end.
            var slot = state.future.count
            state.future.append(Int32(position))
            while slot > 0 {
                let before = Int(state.future[slot - 1])
                let other = state.requests[before]
                guard request.deadline < other.deadline || (request.deadline == other.deadline && (request.arrival, request.id) < (other.arrival, other.id)) else { break }
                state.future[slot] = Int32(before)
                slot -= 1
            }
            state.future[slot] = Int32(position)
            return
        }
        let stamp = ready.changeStamp(ofPosition: position)
        state.place[position] = .past
        state.pushedStamp[position] = stamp
        let entry = entry(of: request, stamp: stamp)
        LaxSRPTSplit.push(entry, onto: &state.past) { $0.precedes($1) }
        state.entryCount += 1
        if now - request.lastRun > agingFactor * isolated(request) {
            addCandidate(entry, request, state)
        } else {
            let activation = request.lastRun + agingFactor * isolated(request)
            LaxSRPTSplit.push(
                LaxSRPTSplit.Waiting(activation: activation, position: Int32(position), stamp: stamp), onto: &state.waiting
            ) { $0.activation < $1.activation }
            state.entryCount += 1
        }
    }

    /// Adds a candidate of P to its leaf.
    func addCandidate(_ entry: LaxSRPTSplit.Entry, _ request: ReadyRequest, _ state: LaxSRPTSplit) {
        let leaf = Int(state.leafOfRow[requestRow[request.position] + request.nextLayer])
        let wasFirst = state.leaves[leaf].first
        LaxSRPTSplit.push(entry, onto: &state.leaves[leaf]) { $0.precedes($1) }
        state.entryCount += 1
        if wasFirst == nil || entry.precedes(wasFirst!) { state.updatePath(ofLeaf: leaf) }
    }
}

extension LaxSRPTPolicy {
    /// Whether a P entry comes before queue index `index` (order key `key`; −1: none) in rule 3's order.
    @inline(__always) static func earlier(_ entry: LaxSRPTSplit.Entry, than index: Int, key: Double, _ ready: borrowing ReadyQueue) -> Bool {
        guard index >= 0 else { return true }
        let other = ready[index]
        return entry.precedes(LaxSRPTSplit.Entry(key: key, arrival: other.arrival, id: other.id, position: 0, stamp: 0))
    }

    /// Whether a P entry still stands for its queued request as it is now.
    @inline(__always) func isCurrent(_ entry: LaxSRPTSplit.Entry, _ ready: borrowing ReadyQueue) -> Bool {
        let position = Int(entry.position)
        return ready.scannedIndex(ofPosition: position) != nil && ready.changeStamp(ofPosition: position) == entry.stamp
    }

    /// The first current candidate of P among leaves 0 … `last`, dropping stale tops on the way.
    func firstCandidate(through last: Int, _ state: LaxSRPTSplit, _ ready: borrowing ReadyQueue) -> LaxSRPTSplit.Entry? {
        guard last >= 0 else { return nil }
        while true {
            let leaf = state.prefixMinimum(through: last)
            guard leaf >= 0, let top = state.leaves[Int(leaf)].first else { return nil }
            if isCurrent(top, ready) { return top }
            LaxSRPTSplit.popFirst(&state.leaves[Int(leaf)]) { $0.precedes($1) }
            state.updatePath(ofLeaf: Int(leaf))
        }
    }

    /// Rules 1–3 with F scanned and P answered by its structures; nil when P is empty (F is
    /// then the whole queue: the caller scans it).
    func chooseSplit(state: LaxSRPTSplit, _ ready: borrowing ReadyQueue, now: Double, _ entries: UnsafeMutableBufferPointer<Entry>) -> (guarded: Int, free: Int, any: Int, overloaded: Bool)? {
        while let top = state.past.first, !isCurrent(top, ready) {
            LaxSRPTSplit.popFirst(&state.past) { $0.precedes($1) }
        }
        guard let pastFirst = state.past.first else { return nil }
        let stretch = 1 + margin
        let share = 1 / Double(accelerators)
        // F in deadline order (departed requests dropped): what rules 1–3 read, by rank.
        var count = 0
        var anyBest = -1, anyKey = 0.0
        for read in state.future.indices {
            let position = Int(state.future[read])
            guard let index = ready.scannedIndex(ofPosition: position) else {
                state.place[position] = .none
                continue
            }
            state.future[count] = Int32(position)
            let request = ready[index]
            let remaining = remaining(request)
            let key = weighsBySize ? remaining * isolated(request) : remaining
            entries[count] = Entry(time: remaining, deadline: request.deadline, key: key, order: index)
            if anyBest < 0 || key < anyKey || (key == anyKey && request.winsTie(against: ready[anyBest])) {
                anyBest = index
                anyKey = key
            }
            count += 1
        }
        state.future.removeLast(state.future.count - count)
        // Rule 1 on F: P was set aside entirely, the heap is empty and the total 0.
        var total = 0.0, heapCount = 0
        for rank in 0..<count {
            let time = entries[rank].time
            total += time
            Self.pushHeap(rank, &heapCount, entries)
            if max(share * total, time) > entries[rank].deadline - now {
                let longest = Self.popHeap(&heapCount, entries)
                entries[longest].accepted = false
                total -= entries[longest].time
            }
        }
        var allAcceptedBound = Double.infinity
        if guardsDeadlines {
            var completion = 0.0
            for rank in 0..<count where entries[rank].accepted {
                entries[rank].bound = allAcceptedBound
                completion += entries[rank].time
                allAcceptedBound = min(
                    allAcceptedBound, entries[rank].deadline - now - stretch * max(share * completion, entries[rank].time))
            }
        }
        // Rules 2–3 on F.
        var best = -1, bestKey = 0.0, free = -1, freeKey = 0.0
        for rank in 0..<count {
            let index = entries[rank].order
            let request = ready[index]
            let key = entries[rank].key
            let bound: Double
            if entries[rank].accepted {
                bound = entries[rank].bound
            } else if now - request.lastRun > agingFactor * isolated(request) {
                bound = allAcceptedBound
            } else {
                continue
            }
            if free < 0 || key < freeKey || (key == freeKey && request.winsTie(against: ready[free])) {
                free = index
                freeKey = key
            }
            if guardsDeadlines && bound < .infinity && stretch * share * nextLayer(request) > bound { continue }
            if best < 0 || key < bestKey || (key == bestKey && request.winsTie(against: ready[best])) {
                best = index
                bestKey = key
            }
        }
        // P: every request set aside; candidates by their leaves.
        if Self.earlier(pastFirst, than: anyBest, key: anyKey, ready) { anyBest = ready.scannedIndex(ofPosition: Int(pastFirst.position))! }
        let lastLeaf = state.leafValues.count - 1
        if let candidate = firstCandidate(through: lastLeaf, state, ready), Self.earlier(candidate, than: free, key: freeKey, ready) {
            free = ready.scannedIndex(ofPosition: Int(candidate.position))!
        }
        var allowedThrough = lastLeaf
        if guardsDeadlines && allAcceptedBound < .infinity {
            // The last leaf whose value v passes rule 2's test, !(v > bound).
            var low = 0, high = state.leafValues.count  // first leaf with v > bound
            while low < high {
                let middle = (low + high) / 2
                if state.leafValues[middle] > allAcceptedBound { high = middle } else { low = middle + 1 }
            }
            allowedThrough = low - 1
        }
        if let candidate = firstCandidate(through: allowedThrough, state, ready), Self.earlier(candidate, than: best, key: bestKey, ready) {
            best = ready.scannedIndex(ofPosition: Int(candidate.position))!
        }
        return (best, free, anyBest, true)
    }
}
