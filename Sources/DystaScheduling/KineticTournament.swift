/// A kinetic tournament (Basch, Guibas and Hershberger) over lines in time: the largest of
/// `offset + slope · (t − start)` over a changing set of lines, at query times that never
/// decrease, and the lines whose value reaches a threshold, without looking at the others.
///
/// The lines sit in the leaves of a complete tree with four children per inner node. Every inner node holds its
/// subtree's largest line at the last query time (the "winner") and a certificate: the
/// earliest time at which a loser of its comparison (another child's winner, with a larger
/// slope) overtakes the winner. A node also keeps the earliest certificate in its subtree, so
/// ``advance(to:)`` walks down only into subtrees with an expired certificate and replays
/// their comparisons at the new time. Changing a line marks its path to the root for the next
/// ``advance(to:)``. A line whose value is +∞ (``Line/always``) wins every comparison and so
/// is reached by every ``search(whileBoundAtLeast:isLive:visit:)``.
///
/// Floating-point safety: certificate times are moved earlier by a relative 10⁻⁹ of the
/// remaining time plus four ulps of the instant, so a winner is never kept past the (computed)
/// crossing by more than rounding of the compared values; a node's value can then fall short of
/// its subtree's largest computed line value only by a few ulps per tree level, and the search
/// adds a relative 10⁻¹² margin to every bound.
///
/// A reference type: one tournament belongs to one run's ``StartedIndex`` and is updated in
/// place; storage is reused (no allocation per query once the tree has grown).
public final class KineticTournament: @unchecked Sendable {
    /// A line `offset + slope · (t − start)`.
    public struct Line: Sendable, Equatable {
        /// The time at which the line's growth term is 0 (s).
        public var start: Double
        /// The growth per second (finite).
        public var slope: Double

        /// Creates a line.
        @inlinable public init(start: Double, slope: Double) {
            self.start = start
            self.slope = slope
        }

        /// A line whose value is +∞ at every time: its request is visited by every search.
        public static let always = Line(start: -.infinity, slope: 1)

        /// The growth term `slope · (t − start)` at `time`.
        @inlinable func growth(at time: Double) -> Double { slope * (time - start) }
    }

    /// A tree node: its subtree's winning line and leaf, and when the subtree must next be replayed.
    @usableFromInline struct Node: Sendable {
        @usableFromInline var line: Line
        /// The earliest certificate time in the subtree (−∞: recompute; +∞: never).
        @usableFromInline var renewAt: Double
        /// The winning leaf's slot (−1: empty subtree).
        @usableFromInline var leaf: Int32
        /// An empty node.
        @usableFromInline static let empty = Node(line: Line(start: 0, slope: 0), renewAt: .infinity, leaf: -1)
    }

    /// The constant added to every line's growth term.
    public let offset: Double
    /// The implicit tree: node 0 is the root, node i has children 4i + 1 … 4i + 4 (adjacent in
    /// memory: four children per node halve the levels a path crosses, and the cache misses);
    /// the leaf of slot s is node `innerCount` + s.
    @exclusivity(unchecked) @usableFromInline var nodes: ContiguousArray<Node> = []
    /// Number of leaves (a power of four).
    @exclusivity(unchecked) @usableFromInline var capacity = 0
    /// Number of inner nodes, (capacity − 1) / 3.
    @exclusivity(unchecked) @usableFromInline var innerCount = 0
    /// The key (a request position) of each slot's line (−1: free).
    @exclusivity(unchecked) @usableFromInline var keyOfSlot: ContiguousArray<Int32> = []
    /// The slot of each key (−1: none).
    @exclusivity(unchecked) @usableFromInline var slotOfKey: ContiguousArray<Int32>
    /// Slots below this were handed out at least once.
    @exclusivity(unchecked) @usableFromInline var usedSlots = 0
    /// Freed slots, to hand out again.
    @exclusivity(unchecked) @usableFromInline var freeSlots: ContiguousArray<Int32> = []
    /// Keys found departed during a search, removed after it.
    @exclusivity(unchecked) @usableFromInline var departed: ContiguousArray<Int32> = []
    /// Nodes still to look at during a search.
    @exclusivity(unchecked) @usableFromInline var stack: ContiguousArray<Int32> = []
    /// The time of the last ``advance(to:)`` (−∞ before any).
    public private(set) var time = -Double.infinity
    /// Number of lines held.
    public private(set) var count = 0

    /// Creates an empty tournament for keys 0 ..< `keys` whose lines are `offset + slope · (t − start)`.
    public init(keys: Int, offset: Double) {
        self.offset = offset
        slotOfKey = ContiguousArray(repeating: -1, count: keys)
        reset(expectedCount: 0)
    }

    /// Removes every line and sizes the tree for about `expectedCount` of them (O(size)).
    public func reset(expectedCount: Int) {
        for slot in 0..<usedSlots where keyOfSlot[slot] >= 0 { slotOfKey[Int(keyOfSlot[slot])] = -1 }
        var wanted = 256
        while wanted < 2 * expectedCount { wanted *= 4 }
        if wanted != capacity {
            capacity = wanted
            innerCount = (capacity - 1) / 3
            nodes = ContiguousArray(repeating: .empty, count: innerCount + capacity)
            keyOfSlot = ContiguousArray(repeating: -1, count: capacity)
        } else {
            for index in nodes.indices { nodes[index] = .empty }
            for slot in 0..<usedSlots { keyOfSlot[slot] = -1 }
        }
        usedSlots = 0
        freeSlots.removeAll(keepingCapacity: true)
        count = 0
        time = -.infinity
    }

    /// Whether `key` has a line.
    @inlinable public func contains(_ key: Int) -> Bool { slotOfKey[key] >= 0 }

    /// Sets the line of `key` (adding it if absent); takes effect at the next ``advance(to:)``.
    ///
    /// `line.slope` must be finite and `line.start` finite, or the line ``Line/always``.
    public func set(_ key: Int, _ line: Line) {
        var slot = Int(slotOfKey[key])
        if slot < 0 {
            slot = allocateSlot()
            slotOfKey[key] = Int32(slot)
            keyOfSlot[slot] = Int32(key)
            count += 1
        }
        let node = innerCount + slot
        nodes[node] = Node(line: line, renewAt: .infinity, leaf: Int32(slot))
        markPath(above: node)
    }

    /// Removes the line of `key`, if any; takes effect at the next ``advance(to:)``.
    public func remove(_ key: Int) {
        let slot = Int(slotOfKey[key])
        guard slot >= 0 else { return }
        slotOfKey[key] = -1
        keyOfSlot[slot] = -1
        freeSlots.append(Int32(slot))
        count -= 1
        let node = innerCount + slot
        nodes[node] = .empty
        markPath(above: node)
    }

    /// Brings every winner up to date at `time`, which must not be earlier than the last one.
    public func advance(to time: Double) {
        precondition(!(time < self.time), "a kinetic tournament's time cannot go back")
        self.time = time
        if nodes[0].renewAt <= time { replay(0, at: time) }
    }

    /// Visits the key of every line whose value at `time` (the time of the last
    /// ``advance(to:)``), plus a 10⁻¹² relative margin, is at least `threshold()` — re-read
    /// after every visit, which may raise it — largest subtree winner first. A line ``Line/always``
    /// is always visited. Keys whose line cannot reach the threshold are not looked at.
    ///
    /// A key for which `isLive` is false is not visited: its line is removed after the search.
    public func search(whileBoundAtLeast threshold: () -> Double, isLive: (Int) -> Bool, visit: (Int) -> Void) {
        let time = self.time
        departed.removeAll(keepingCapacity: true)
        stack.removeAll(keepingCapacity: true)
        stack.append(0)
        while let popped = stack.popLast() {
            let index = Int(popped)
            let node = nodes[index]
            guard node.leaf >= 0 else { continue }
            let growth = node.line.growth(at: time)
            let value = offset + growth
            guard value + 1e-12 * (abs(offset) + abs(growth)) >= threshold() else { continue }
            if index >= innerCount {
                let key = Int(keyOfSlot[index - innerCount])
                if isLive(key) { visit(key) } else { departed.append(Int32(key)) }
                continue
            }
            // The child holding the winner is looked at first (pushed last).
            let first = 4 * index + 1
            var winnerChild = first
            for child in first..<(first + 4) {
                if nodes[child].leaf == node.leaf {
                    winnerChild = child
                } else {
                    stack.append(Int32(child))
                }
            }
            stack.append(Int32(winnerChild))
        }
        for key in departed { remove(Int(key)) }
    }

    /// The key of the line with the largest value at the last ``advance(to:)`` time (up to
    /// rounding), or nil when empty.
    public var leader: Int? {
        let leaf = nodes[0].leaf
        return leaf >= 0 ? Int(keyOfSlot[Int(leaf)]) : nil
    }

    /// Marks the ancestors of `node` for recomputation (stopping at one already marked: its
    /// own ancestors are).
    @usableFromInline func markPath(above node: Int) {
        var index = node
        while index > 0 {
            index = (index - 1) / 4
            if nodes[index].renewAt == -.infinity { return }
            nodes[index].renewAt = -.infinity
        }
    }

    /// A free slot, growing the tree when none is left.
    func allocateSlot() -> Int {
        if let slot = freeSlots.popLast() { return Int(slot) }
        if usedSlots == capacity { grow() }
        usedSlots += 1
        return usedSlots - 1
    }

    /// Multiplies the number of leaves by four, keeping every line; every inner node is
    /// recomputed at the next ``advance(to:)``.
    func grow() {
        let old = nodes
        let oldCapacity = capacity
        let oldInnerCount = innerCount
        capacity *= 4
        innerCount = (capacity - 1) / 3
        nodes = ContiguousArray(
            repeating: Node(line: Line(start: 0, slope: 0), renewAt: -.infinity, leaf: -1), count: innerCount + capacity)
        for slot in 0..<capacity { nodes[innerCount + slot] = slot < oldCapacity ? old[oldInnerCount + slot] : .empty }
        keyOfSlot.append(contentsOf: repeatElement(-1, count: capacity - oldCapacity))
    }

    /// Replays the expired comparisons of the subtree of inner node `index` at `time`.
    func replay(_ index: Int, at time: Double) {
        let first = 4 * index + 1
        // Leaves never expire (their `renewAt` is +∞).
        for child in first..<(first + 4) where nodes[child].renewAt <= time { replay(child, at: time) }
        // The larger value now wins; on a tie the steeper line (it stays ahead).
        var renew = Double.infinity
        var winner = Node.empty
        var winnerGrowth = 0.0
        for child in first..<(first + 4) {
            let node = nodes[child]
            renew = min(renew, node.renewAt)
            guard node.leaf >= 0 else { continue }
            let growth = node.line.growth(at: time)
            if winner.leaf < 0 || growth > winnerGrowth || (growth == winnerGrowth && node.line.slope > winner.line.slope) {
                winner = node
                winnerGrowth = growth
            }
        }
        // Each steeper loser overtakes the winner at some time: the earliest is the certificate.
        for child in first..<(first + 4) {
            let loser = nodes[child]
            guard loser.leaf >= 0, loser.leaf != winner.leaf, loser.line.slope > winner.line.slope else { continue }
            let gap = winnerGrowth - loser.line.growth(at: time)
            let remaining = gap / (loser.line.slope - winner.line.slope)
            if remaining < .infinity {
                let crossing = time + remaining
                renew = min(renew, crossing - (1e-9 * remaining + 4 * crossing.ulp))
            }
        }
        nodes[index] = Node(line: winner.line, renewAt: renew, leaf: winner.leaf)
    }
}
