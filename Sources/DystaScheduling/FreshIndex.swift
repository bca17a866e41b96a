import DystaCore

/// How a policy ranks ready requests that have not run a layer yet ("fresh" requests) — the
/// knowledge that lets the engine keep most of an overloaded queue out of the per-decision scan.
///
/// Fresh requests of one *group* share their variant, their target and (when the ranking says
/// so) their priority, so they differ only in arrival time (and sample). Every built-in
/// policy except `dysta-oracle` declares a ranking; a policy that declares none (the default)
/// sees every ready request in ``ReadyQueue``. See `docs/performance.md` for each policy's
/// argument.
public enum FreshRanking: Sendable, Equatable {
    /// Every ready request is in the scanned queue (always correct).
    case scanAll
    /// Within a group, the earliest fresh request (by arrival, then id) ranks at least as high
    /// as every later one under the policy's own rule, ties included. The engine keeps only
    /// that one per group in the scanned queue and promotes the next when it starts.
    case earliestFirst(byPriority: Bool)
    /// The policy reads ``ReadyQueue/fresh`` itself in `select` and promotes the request it
    /// picks with ``ReadyQueue/promoteFresh(group:member:)``.
    case custom(byPriority: Bool)
    /// Every ready request stays in the scanned queue, and the queue keeps a ``StartedIndex``
    /// over them for the policy's own heaps (``ReadyQueue/searchStarted(at:key:whileKeyAtMost:keepVisited:visit:)``).
    case scannedWithKeys

    /// Whether groups are split by priority.
    public var byPriority: Bool {
        switch self {
        case .scanAll, .scannedWithKeys: false
        case .earliestFirst(let byPriority), .custom(let byPriority): byPriority
        }
    }
}

/// Fresh ready requests kept out of the scanned queue, grouped and in arrival order.
///
/// The engine builds it (one group per distinct variant, target and, optionally, priority),
/// adds each request when it arrives and removes it when it is promoted into the scanned
/// queue. Members are never re-added, so "the nearest live member left/right of an index" is
/// answered by two union-find forests with path halving (amortised near O(1)).
///
/// A reference type: one index belongs to one run's ``ReadyQueue``, and sharing it (instead of
/// copying it on write) keeps every update in place.
public final class FreshIndex: @unchecked Sendable {
    /// What the members of one group share.
    public struct Group: Sendable, Equatable {
        /// Variant index.
        public var variant: Int
        /// Priority (when grouped by priority; otherwise the first member's).
        public var priority: Int
        /// Target latency (s): every member's deadline is its arrival plus this.
        public var target: Double

        /// Creates a group description.
        public init(variant: Int, priority: Int, target: Double) {
            self.variant = variant
            self.priority = priority
            self.target = target
        }
    }

    /// The groups.
    public let groups: [Group]
    /// The engine's request table in arrival order (members are positions in it).
    public let requests: [Request]
    /// The per-variant tables the engine's estimates come from.
    public let tables: UnsafeMutableBufferPointer<VariantTables>
    /// Group of each request position.
    @usableFromInline let groupOfPosition: [Int32]
    /// Per group: admitted positions in arrival order (live and removed).
    @exclusivity(unchecked) @usableFromInline var members: [[Int32]]
    /// Per group: when each member was admitted (s).
    @exclusivity(unchecked) var admittedAt: [[Double]]
    /// Per group: union-find parents toward the nearest live member on the left (−1: none).
    @exclusivity(unchecked) var left: [[Int32]]
    /// Per group: union-find parents toward the nearest live member on the right (count: none).
    @exclusivity(unchecked) var right: [[Int32]]
    /// Per group: number of live members.
    @exclusivity(unchecked) public private(set) var liveCount: [Int]
    /// Live members over all groups.
    @exclusivity(unchecked) public private(set) var totalLive = 0


    /// Creates an empty index for `requests` (in the engine's order) split into groups.
    public init(
        requests: [Request], groupOfPosition: [Int32], groups: [Group], tables: UnsafeMutableBufferPointer<VariantTables>
    ) {
        self.requests = requests
        self.groupOfPosition = groupOfPosition
        self.groups = groups
        self.tables = tables
        members = Array(repeating: [], count: groups.count)
        admittedAt = Array(repeating: [], count: groups.count)
        left = Array(repeating: [], count: groups.count)
        right = Array(repeating: [], count: groups.count)
        liveCount = Array(repeating: 0, count: groups.count)
    }

    /// The group of request `position`.
    @inlinable public func group(ofPosition position: Int) -> Int { Int(groupOfPosition[position]) }

    /// The member index of request `position` in its group (it must have been added).
    public func member(ofPosition position: Int) -> Int {
        let list = members[Int(groupOfPosition[position])]
        var low = 0, high = list.count
        while low < high {
            let middle = (low + high) / 2
            if Int(list[middle]) < position { low = middle + 1 } else { high = middle }
        }
        precondition(low < list.count && Int(list[low]) == position, "request \(position) is not in the fresh index")
        return low
    }

    /// Number of members (live and removed) of `group`; member indices run 0 ..< this.
    @inlinable public func memberCount(_ group: Int) -> Int { members[group].count }

    /// The request of a member.
    @inlinable public func request(_ group: Int, _ member: Int) -> Request { requests[Int(members[group][member])] }

    /// Adds request `position` (the latest arrival of its group) admitted at `time`.
    func add(position: Int, at time: Double) -> Int {
        let group = Int(groupOfPosition[position])
        let index = members[group].count
        members[group].append(Int32(position))
        admittedAt[group].append(time)
        left[group].append(Int32(index))
        right[group].append(Int32(index))
        liveCount[group] += 1
        totalLive += 1
        return group
    }

    /// Removes a live member.
    func remove(_ group: Int, _ member: Int) {
        left[group][member] = Int32(member - 1)
        right[group][member] = Int32(member + 1)
        liveCount[group] -= 1
        totalLive -= 1
    }

    /// The largest live member index ≤ `member` of `group`, or −1.
    public func liveAtOrBefore(_ group: Int, _ member: Int) -> Int {
        var node = member
        while node >= 0 {
            let parent = Int(left[group][node])
            if parent == node { return node }
            if parent < 0 { return -1 }
            let grandparent = left[group][parent]
            left[group][node] = grandparent
            node = Int(grandparent)
        }
        return -1
    }

    /// The smallest live member index ≥ `member` of `group`, or `memberCount(group)`.
    public func liveAtOrAfter(_ group: Int, _ member: Int) -> Int {
        let end = members[group].count
        var node = member
        while node < end {
            let parent = Int(right[group][node])
            if parent == node { return node }
            if parent >= end { return end }
            let grandparent = right[group][parent]
            right[group][node] = grandparent
            node = Int(grandparent)
        }
        return end
    }

    /// The first member index in `range` of `group` whose request satisfies `predicate`, or
    /// `range.upperBound`; `predicate` must be false then true along member order (members,
    /// removed ones included, are in arrival order, so arrivals and deadlines never decrease).
    public func partition(_ group: Int, in range: Range<Int>, where predicate: (Request) -> Bool) -> Int {
        var low = range.lowerBound
        var high = range.upperBound
        while low < high {
            let middle = (low + high) / 2
            if predicate(requests[Int(members[group][middle])]) { high = middle } else { low = middle + 1 }
        }
        return low
    }

    /// The ready request a member becomes when promoted into the scanned queue.
    func materialize(_ group: Int, _ member: Int) -> ReadyRequest {
        let position = Int(members[group][member])
        let request = requests[position]
        return ReadyRequest(request: request, position: position, table: tables[request.variant], admittedAt: admittedAt[group][member])
    }
}

extension ReadyRequest {
    /// A request entering the ready queue at `admittedAt`, with the estimates of `table`.
    public init(request: Request, position: Int, table: VariantTables, admittedAt: Double) {
        self.init(
            id: request.id, position: position, arrival: request.arrival, deadline: request.deadline,
            priority: Double(request.priority), variant: request.variant, sample: request.sample,
            layerCount: table.layerCount, estimatedIsolated: table.estimatedRemaining[0],
            estimatedNextLayer: table.estimate[0], realIsolated: table.isolated[request.sample], admittedAt: admittedAt)
    }
}
