import DystaCore

/// A request waiting in the ready queue, with everything a scheduling policy may read.
///
/// The engine keeps every field current; a policy keeps its own per-request values in a
/// ``PerRequestState`` indexed by ``position`` (PREMA keeps its tokens there).
public struct ReadyRequest: Sendable {
    /// Request id.
    public let id: Int
    /// Index of the request in the run's arrival-ordered request table (0 ..< requests): the
    /// key of a policy's ``PerRequestState``.
    public let position: Int
    /// Arrival time (s).
    public let arrival: Double
    /// Absolute deadline (s).
    public let deadline: Double
    /// Priority as a number (1, 3, 9 by default).
    public let priority: Double
    /// Variant index in the workload.
    public let variant: Int
    /// Sample index.
    public let sample: Int
    /// Number of layers L.
    public let layerCount: Int
    /// Index of the next layer to run (0 … L−1).
    public var nextLayer: Int
    /// Σ of the layer estimates of the policy's table (s).
    public let estimatedIsolated: Double
    /// Σ_{j ≥ nextLayer} of the layer estimates (s), without γ.
    public var estimatedRemaining: Double
    /// The estimate of the next layer (s), without γ.
    public var estimatedNextLayer: Double
    /// The real isolated latency (s) — oracle information.
    public let realIsolated: Double
    /// The real remaining latency (s) — oracle information.
    public var realRemaining: Double
    /// End time of the request's last executed layer; its arrival before it first ran.
    public var lastRun: Double
    /// The sparsity correction factor γ (1 before the first layer, or when the policy ignores sparsity).
    public var gamma: Double
    /// The decision instant at which the request entered the ready queue.
    public let admittedAt: Double

    /// Creates a ready request (the engine does this on admission).
    public init(
        id: Int, position: Int, arrival: Double, deadline: Double, priority: Double, variant: Int, sample: Int,
        layerCount: Int, estimatedIsolated: Double, estimatedNextLayer: Double, realIsolated: Double,
        admittedAt: Double
    ) {
        self.id = id
        self.position = position
        self.arrival = arrival
        self.deadline = deadline
        self.priority = priority
        self.variant = variant
        self.sample = sample
        self.layerCount = layerCount
        self.nextLayer = 0
        self.estimatedIsolated = estimatedIsolated
        self.estimatedRemaining = estimatedIsolated
        self.estimatedNextLayer = estimatedNextLayer
        self.realIsolated = realIsolated
        self.realRemaining = realIsolated
        self.lastRun = arrival
        self.gamma = 1
        self.admittedAt = admittedAt
    }

    /// The γ-scaled remaining estimate R = γ · Σ_{j ≥ k} est[j] (s).
    @inlinable public var predictedRemaining: Double { gamma * estimatedRemaining }

    /// Whether this request wins a tie against `other`: earlier arrival, then lower id.
    @inlinable public func winsTie(against other: ReadyRequest) -> Bool {
        arrival < other.arrival || (arrival == other.arrival && id < other.id)
    }
}

/// The requests a policy chooses from, in contiguous storage.
///
/// Under `artifact` semantics the order is the admission order (the artifact iterates a
/// dictionary in insertion order); under `default` semantics the order is unspecified and
/// policies break ties explicitly with ``ReadyRequest/winsTie(against:)``.
///
/// When the policy declares a ``FreshRanking`` other than `scanAll`, the engine holds most
/// not-yet-started requests in ``fresh`` instead of the scanned elements; ``totalCount``
/// counts both.
public struct ReadyQueue: Sendable {
    /// The scanned ready requests.
    @usableFromInline var elements: ContiguousArray<ReadyRequest> = []
    /// Fresh requests held out of the scan (nil unless the engine indexes them for this policy).
    public let fresh: FreshIndex?
    /// Position tracking and a key heap over the scanned requests (with ``fresh`` only).
    @usableFromInline let started: StartedIndex?

    /// Creates an empty queue.
    public init() {
        fresh = nil
        started = nil
    }

    /// Creates an empty queue that scans every request and tracks `positions` request positions
    /// for a ``StartedIndex`` (engine use, ``FreshRanking/scannedWithKeys``).
    public init(trackingPositions positions: Int) {
        fresh = nil
        started = StartedIndex(positions: positions)
    }

    /// Creates an empty queue whose fresh requests go to `fresh` and whose scanned requests are
    /// tracked for a ``StartedIndex`` when `tracksStarted` (engine use).
    public init(fresh: FreshIndex, tracksStarted: Bool) {
        self.fresh = fresh
        self.started = tracksStarted ? StartedIndex(positions: fresh.requests.count) : nil
    }

    /// Number of scanned ready requests (indices run over these).
    @inlinable public var count: Int { elements.count }
    /// Number of all ready requests: the scanned ones and those held in ``fresh``.
    @inlinable public var totalCount: Int { elements.count + (fresh?.totalLive ?? 0) }
    /// Whether no request is in the scanned part.
    @inlinable public var isEmpty: Bool { elements.isEmpty }
    /// Valid indices.
    @inlinable public var indices: Range<Int> { elements.indices }

    /// Read or update one request (policies may update only their own fields).
    @inlinable public subscript(index: Int) -> ReadyRequest {
        get { elements[index] }
        _modify { yield &elements[index] }
    }

    /// Adds a request at the end (engine use).
    public mutating func append(_ request: ReadyRequest) {
        if started != nil {
            started!.slots[request.position] = Int32(elements.count)
            started!.markChanged(request.position)
        }
        elements.append(request)
    }

    /// Notes that the request at `index` ran a layer and stays scanned (engine use).
    public mutating func markChanged(at index: Int) {
        if started != nil { started!.markChanged(elements[index].position) }
    }

    /// Adds request `position` to ``fresh`` at decision instant `time`; returns its group (engine use).
    public mutating func addFresh(position: Int, at time: Double) -> Int {
        fresh!.add(position: position, at: time)
    }

    /// Moves a live member of ``fresh`` into the scanned requests and returns its index there.
    ///
    /// The caller must then call its policy's `admit` on it with the context of
    /// `ready[index].admittedAt` (the decision instant at which it arrived).
    public mutating func promoteFresh(group: Int, member: Int) -> Int {
        let entry = fresh!.materialize(group, member)
        fresh!.remove(group, member)
        append(entry)
        return elements.count - 1
    }

    /// Promotes the earliest live member of a fresh group; nil when the group has none (engine use).
    public mutating func promoteEarliestFresh(group: Int) -> Int? {
        guard fresh!.liveCount[group] > 0 else { return nil }
        return promoteFresh(group: group, member: fresh!.liveAtOrAfter(group, 0))
    }

    /// Removes a request keeping the order of the others (engine use).
    @discardableResult
    public mutating func removeKeepingOrder(at index: Int) -> ReadyRequest { elements.remove(at: index) }

    /// Removes a request by moving the last one into its place (engine use).
    @discardableResult
    public mutating func removeSwapping(at index: Int) -> ReadyRequest {
        let last = elements.count - 1
        if index != last { elements.swapAt(index, last) }
        if started != nil {
            started!.slots[elements[last].position] = -1
            if index != last { started!.slots[elements[index].position] = Int32(index) }
        }
        return elements.removeLast()
    }
}

/// What a policy knows about the decision it is asked to make.
public struct DecisionContext: Sendable {
    /// The decision instant (s).
    public var time: Double
    /// The rules in force.
    public var semantics: Semantics

    /// Creates a context.
    public init(time: Double, semantics: Semantics) {
        self.time = time
        self.semantics = semantics
    }
}

/// Which static table a policy's estimates come from.
public enum EstimateSource: String, Sendable {
    /// The variant's own averages (static sparsity known: pattern-aware).
    case patternAware
    /// The averages of the variant's architecture over all its patterns (pattern-unaware).
    case patternUnaware
}
