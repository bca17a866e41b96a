import DystaCore

/// A scheduling policy: picks which ready request runs its next layer.
///
/// To add a policy, write one value type conforming to this protocol and register it in a
/// ``PolicyRegistry`` (see `docs/adding-a-scheduler.md`). The engine calls ``admit(_:context:)``
/// once when a request becomes ready and ``select(from:context:)`` at every decision instant
/// with a non-empty queue; it keeps every other field of ``ReadyRequest`` current.
public protocol SchedulingPolicy: Sendable {
    /// The name users select the policy by, e.g. `dysta`.
    var name: String { get }
    /// Which static table fills `estimatedIsolated`, `estimatedRemaining` and `estimatedNextLayer`.
    var estimateSource: EstimateSource { get }
    /// Whether the engine feeds the sparsity monitor's γ to this policy (else γ ≡ 1).
    var usesSparsityMonitor: Bool { get }
    /// What the engine may assume about fresh (not yet started) requests; default `scanAll`.
    var freshRanking: FreshRanking { get }
    /// Whether the engine may skip ``select(from:context:)`` when its answer is forced: one
    /// accelerator, the request that just ran a layer is the only one ready, and nothing
    /// arrives before that layer ends. True only when `select` would change nothing in that
    /// case (no policy state, no request field); default false.
    var skipsForcedDecisions: Bool { get }
    /// Whether, with one accelerator, the request that just ran a layer is chosen again as long
    /// as no new request arrives (FCFS; SJF without γ, whose R only falls), so the engine may
    /// run its following layers without calling ``select(from:context:)`` until the next
    /// arrival. Implies ``skipsForcedDecisions``' side-effect condition; default false.
    var keepsChoiceUntilArrival: Bool { get }
    /// Whether the engine calls ``layerEnded(_:start:end:)`` after every layer and
    /// ``decisionDelay()`` after every `select` (a policy that models its own decision hardware,
    /// e.g. `dysta-hw`); such a policy also gets no forced-decision shortcuts. Default false:
    /// the engine makes neither call.
    var observesExecution: Bool { get }
    /// Called once before a run with the workload, the request stream in engine order and the
    /// engine settings; throws when the policy cannot run them (e.g. tables that do not fit).
    mutating func prepare(for run: RunSetup) throws
    /// With ``observesExecution``: `request` (already advanced past the layer) ran a layer from
    /// `start` to `end` (s).
    mutating func layerEnded(_ request: ReadyRequest, start: Double, end: Double)
    /// With ``observesExecution``: the time (s) the decision just returned by `select` takes
    /// before its layer may start.
    mutating func decisionDelay() -> Double
    /// Called once before `request` is first scanned, with the context of the decision instant
    /// at which it entered the ready queue.
    mutating func admit(_ request: inout ReadyRequest, context: DecisionContext)
    /// Returns the index in `ready` (non-empty) of the request whose next layer runs now.
    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int
}

/// What a policy may learn about a run before it starts (``SchedulingPolicy/prepare(for:)``).
public struct RunSetup: Sendable {
    /// The workload after a latency model was applied.
    public var profile: WorkloadProfile
    /// The request stream in engine order (by arrival, then id); a ``ReadyRequest``'s
    /// `position` indexes it.
    public var requests: [Request]
    /// The rules in force.
    public var semantics: Semantics
    /// Accelerators sharing the ready queue.
    public var accelerators: Int

    /// Creates a setup.
    public init(profile: WorkloadProfile, requests: [Request], semantics: Semantics, accelerators: Int) {
        self.profile = profile
        self.requests = requests
        self.semantics = semantics
        self.accelerators = accelerators
    }
}

extension SchedulingPolicy {
    /// Default: the engine reports nothing.
    public var observesExecution: Bool { false }
    /// Default: nothing to prepare.
    public mutating func prepare(for run: RunSetup) throws {}
    /// Default: nothing.
    public mutating func layerEnded(_ request: ReadyRequest, start: Double, end: Double) {}
    /// Default: decisions take no time.
    public mutating func decisionDelay() -> Double { 0 }
    /// Default: nothing to prepare.
    public mutating func admit(_ request: inout ReadyRequest, context: DecisionContext) {}
    /// Default: every ready request is scanned.
    public var freshRanking: FreshRanking { .scanAll }
    /// Default: `select` is called at every decision.
    public var skipsForcedDecisions: Bool { false }
    /// Default: `select` is called at every decision.
    public var keepsChoiceUntilArrival: Bool { false }
}

/// Parameters shared by the built-in policies.
public struct PolicyParameters: Sendable, Equatable {
    /// SDRM3's fairness weight α.
    public var alpha: Double
    /// Dysta's weight β of urgency and preemption penalty.
    public var beta: Double

    /// Creates parameters (paper defaults: α = 1, β = 0.01).
    public init(alpha: Double = 1, beta: Double = 0.01) {
        self.alpha = alpha
        self.beta = beta
    }
}

/// Index of the minimum of `score` over the queue; ties go to ``ReadyRequest/winsTie(against:)``.
@inlinable
public func argmin(_ ready: ReadyQueue, _ score: (ReadyRequest) -> Double) -> Int {
    var best = 0
    var bestScore = score(ready[0])
    var index = 1
    while index < ready.count {
        let candidate = ready[index]
        let value = score(candidate)
        if value < bestScore || (value == bestScore && candidate.winsTie(against: ready[best])) {
            best = index
            bestScore = value
        }
        index += 1
    }
    return best
}

/// Index of the first minimum in queue order (strict `<`), as the artifact's loops pick.
@inlinable
public func firstArgmin(_ ready: ReadyQueue, _ score: (ReadyRequest) -> Double) -> Int {
    var best = 0
    var bestScore = score(ready[0])
    var index = 1
    while index < ready.count {
        let value = score(ready[index])
        if bestScore > value {
            best = index
            bestScore = value
        }
        index += 1
    }
    return best
}

/// The artifact's "max with FCFS tie-break" loop (SDRM3, Planaria), quirks included:
/// a running maximum below zero is replaced by any later score.
@inlinable
public func artifactArgmax(_ ready: ReadyQueue, _ score: (ReadyRequest) -> Double) -> Int {
    var next = -1
    var maxScore = -1.0
    for index in ready.indices {
        let value = score(ready[index])
        if maxScore < 0 || maxScore <= value {
            if maxScore == value && next >= 0 && ready[next].arrival < ready[index].arrival {
                continue
            }
            next = index
            maxScore = value
        }
    }
    // With NaN scores (0/0 in the artifact's arithmetic) no comparison holds: Python would keep
    // `None` and crash; we fall back to the first request so the run can continue.
    return max(next, 0)
}
