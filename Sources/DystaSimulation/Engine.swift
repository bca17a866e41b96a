import DystaCore
import DystaScheduling

/// How the engine runs a request stream.
public struct EngineConfiguration: Sendable, Equatable {
    /// Which rules to follow (default: the corrected rules of docs/semantics.md).
    public var semantics: Semantics
    /// Number of identical accelerators sharing one ready queue (≥ 1; artifact semantics: 1).
    public var accelerators: Int
    /// Time (s) added before a layer whose request differs from the accelerator's previous one.
    public var switchCost: Double
    /// Whether not-yet-started requests are held in a ``FreshIndex`` when the policy declares a
    /// ``FreshRanking`` (default semantics only). `false` makes every policy scan every ready
    /// request — the reference the index is tested against; results are the same.
    public var indexesFreshRequests: Bool

    /// Creates a configuration.
    public init(semantics: Semantics = .default, accelerators: Int = 1, switchCost: Double = 0, indexesFreshRequests: Bool = true) {
        self.semantics = semantics
        self.accelerators = accelerators
        self.switchCost = switchCost
        self.indexesFreshRequests = indexesFreshRequests
    }

    /// Throws if a value is out of range.
    public func validate() throws {
        guard accelerators >= 1 else { throw DystaError(setting: "accelerators", "must be at least 1 (got \(accelerators))") }
        guard switchCost >= 0, switchCost.isFinite else {
            throw DystaError(setting: "switch_cost", "must be a finite number ≥ 0 seconds (got \(switchCost))")
        }
        if semantics == .artifact && accelerators != 1 {
            throw DystaError(setting: "semantics", "artifact models the artifact's single accelerator: use 1 accelerator")
        }
    }
}

/// The outcome of one request.
public struct CompletedRequest: Sendable, Equatable {
    public var id: Int
    public var variant: Int
    public var sample: Int
    public var priority: Int
    public var arrival: Double
    public var deadline: Double
    /// End of the request's last layer (s).
    public var finish: Double
    /// Real isolated latency (s).
    public var isolated: Double

    /// Creates a record.
    public init(
        id: Int, variant: Int, sample: Int, priority: Int, arrival: Double, deadline: Double, finish: Double,
        isolated: Double
    ) {
        self.id = id
        self.variant = variant
        self.sample = sample
        self.priority = priority
        self.arrival = arrival
        self.deadline = deadline
        self.finish = finish
        self.isolated = isolated
    }

    /// Turnaround time finish − arrival (s).
    @inlinable public var turnaround: Double { finish - arrival }
    /// Whether the request finished after its deadline.
    @inlinable public var violated: Bool { finish > deadline }
}

/// The result of one simulation run.
public struct SimulationRun: Sendable {
    /// One record per request, sorted by id (built on access from 16 bytes kept per request).
    public var requests: CompletedRequests
    /// Number of layer dispatches (scheduling decisions).
    public var decisions: Int
    /// Largest ready-queue length seen at a decision.
    public var maxReadyQueue: Int
    /// Each accelerator's busy intervals, merged (start, end) — kept only when asked.
    public var busyPeriods: [[ClosedRange<Double>]]
    /// The id of the request chosen at each decision, in order — kept only when asked.
    public var choices: [Int]
    /// Every layer's request, accelerator, start and end — kept only when asked.
    public var timeline: Timeline?
}

/// The layer-granularity scheduling engine for one workload profile.
public struct Simulator: Sendable {
    /// The workload after a latency model was applied.
    public let profile: WorkloadProfile
    /// How to run.
    public let configuration: EngineConfiguration

    /// Creates a simulator; throws if the configuration is invalid.
    public init(profile: WorkloadProfile, configuration: EngineConfiguration = EngineConfiguration()) throws {
        try configuration.validate()
        self.profile = profile
        self.configuration = configuration
    }

    /// Runs `requests` under `policy`, with `predictor` turning measured sparsity into γ.
    ///
    /// - Parameters:
    ///   - recordBusyPeriods: keep each accelerator's busy intervals (for tests and plots).
    ///   - recordChoices: keep the id chosen at every decision (for tests).
    ///   - recordTimeline: keep one ``TimelineEvent`` per layer (``SimulationRun/timeline``).
    public func run<Policy: SchedulingPolicy>(
        _ requests: [Request], policy: inout Policy, predictor: any SparsityPredictor,
        recordBusyPeriods: Bool = false, recordChoices: Bool = false, recordTimeline: Bool = false
    ) throws -> SimulationRun {
        for request in requests {
            guard request.variant >= 0, request.variant < profile.variants.count else {
                throw DystaError("request \(request.id) names variant \(request.variant), outside the workload")
            }
            guard request.sample >= 0, request.sample < profile.variants[request.variant].sampleCount else {
                throw DystaError("request \(request.id): sample \(request.sample) is out of range")
            }
            guard request.arrival.isFinite, request.arrival >= 0, request.target.isFinite, request.target > 0 else {
                throw DystaError("request \(request.id): arrival must be ≥ 0 and target > 0 (finite seconds)")
            }
        }
        let ordered = requests.isSortedForSimulation ? requests : requests.sortedForSimulation()
        try policy.prepare(
            for: RunSetup(profile: profile, requests: ordered, semantics: configuration.semantics, accelerators: configuration.accelerators))
        var state = EngineState(
            simulator: self, requests: ordered, policy: policy, predictor: predictor,
            recordBusyPeriods: recordBusyPeriods, recordChoices: recordChoices, recordTimeline: recordTimeline)
        switch configuration.semantics {
        case .default: try state.runDefault()
        case .artifact: try state.runArtifact()
        }
        policy = state.policy
        return state.result()
    }
}

/// What fresh requests of one group share.
private struct FreshGroupKey: Hashable {
    var variant: Int
    var priority: Int
    var target: UInt64
}

/// Mutable state of one run (kept out of `Simulator` so runs are independent values).
struct EngineState<Policy: SchedulingPolicy> {
    let configuration: EngineConfiguration
    let requests: [Request]
    var policy: Policy
    let predictor: any SparsityPredictor
    let usesMonitor: Bool
    /// The policy's ``SchedulingPolicy/observesExecution``.
    let observesExecution: Bool
    /// γ per (sample, executed layers) of each variant from a fitted predictor (with the monitor only).
    let fittedGammas: [[Double]]?
    let recordBusyPeriods: Bool
    let recordChoices: Bool
    let recordTimeline: Bool
    /// `recordBusyPeriods || recordTimeline`: the one check the hot loop makes.
    let recordsExecution: Bool
    let tables: UnsafeMutableBufferPointer<VariantTables>
    /// Keeps the tables' storage alive for the run.
    let owner: ProfileTables

    var ready = ReadyQueue()
    /// Whether fresh requests go to `ready.fresh` and one per group is kept scanned (earliestFirst).
    var keepsGroupRepresentatives = false
    /// Per group: whether a fresh member is in the scanned part (earliestFirst).
    var representativePresent: [Bool] = []
    /// Groups that may need a representative promoted before the next decision.
    var pendingGroups: [Int] = []
    var pendingFlag: [Bool] = []
    var choices: [Int] = []
    var cursor = 0
    /// One record per request, by position in arrival order (filled when the request finishes).
    /// Finish time (s) of each request by position in arrival order (NaN until it finishes).
    var finish: [Double]
    /// Real isolated latency (s) of each request by position (filled when it finishes).
    var isolated: [Double]
    var completedCount = 0
    var decisions = 0
    var maxReady = 0
    var busy: [[ClosedRange<Double>]]
    /// One event per layer, in engine order (only when `recordTimeline`).
    var timeline: [TimelineEvent] = []
    /// Per position, the layers already in `timeline` (only when `recordTimeline`).
    var timelineLayers: [Int32] = []
    /// The delay of the latest decision (s): set only for a policy that observes execution.
    var decisionDelay = 0.0

    init(
        simulator: Simulator, requests: [Request], policy: Policy, predictor: any SparsityPredictor, recordBusyPeriods: Bool,
        recordChoices: Bool, recordTimeline: Bool = false
    ) {
        self.configuration = simulator.configuration
        self.requests = requests
        self.policy = policy
        self.predictor = predictor
        self.usesMonitor = policy.usesSparsityMonitor
        self.observesExecution = policy.observesExecution
        self.recordBusyPeriods = recordBusyPeriods
        self.recordChoices = recordChoices
        self.recordTimeline = recordTimeline
        self.recordsExecution = recordBusyPeriods || recordTimeline
        self.owner = simulator.profile.tables
        self.tables = owner.variants(patternAware: policy.estimateSource == .patternAware)
        self.fittedGammas = policy.usesSparsityMonitor ? predictor.fittedGammas(profile: simulator.profile, tables: tables) : nil
        // A fitted predictor gives fresh requests their own γ: the fresh index (which assumes
        // fresh requests of one group share R) is not used then.
        let ranking = fittedGammas == nil ? policy.freshRanking : .scanAll
        if configuration.semantics == .default && configuration.indexesFreshRequests && ranking == .scannedWithKeys {
            ready = ReadyQueue(trackingPositions: requests.count)
        } else if configuration.semantics == .default && configuration.indexesFreshRequests && ranking != .scanAll,
            let index = Self.freshIndex(requests: requests, tables: tables, byPriority: ranking.byPriority)
        {
            ready = ReadyQueue(fresh: index, tracksStarted: true)
            if case .earliestFirst = ranking {
                keepsGroupRepresentatives = true
                representativePresent = Array(repeating: false, count: index.groups.count)
                pendingFlag = Array(repeating: false, count: index.groups.count)
                pendingGroups.reserveCapacity(index.groups.count)
            }
        }
        self.finish = Array(repeating: .nan, count: requests.count)
        self.isolated = Array(repeating: .nan, count: requests.count)
        self.busy = Array(repeating: [], count: simulator.configuration.accelerators)
        if recordTimeline { self.timelineLayers = Array(repeating: 0, count: requests.count) }
    }

    /// Largest number of fresh groups the engine indexes; beyond it (e.g. a replayed table with
    /// a different target per request) every ready request is scanned.
    static var maximumFreshGroups: Int { 256 }

    /// Splits `requests` into fresh groups of equal variant, target and (optionally) priority;
    /// nil when indexing would not pay or an estimate is not a positive finite number.
    static func freshIndex(requests: [Request], tables: UnsafeMutableBufferPointer<VariantTables>, byPriority: Bool) -> FreshIndex? {
        for table in tables {
            let estimate = table.estimatedRemaining[0]
            guard estimate > 0, estimate.isFinite else { return nil }
        }
        var groupOfKey: [FreshGroupKey: Int32] = [:]
        var groups: [FreshIndex.Group] = []
        var groupOfPosition: [Int32] = []
        groupOfPosition.reserveCapacity(requests.count)
        for request in requests {
            let key = FreshGroupKey(variant: request.variant, priority: byPriority ? request.priority : 0, target: request.target.bitPattern)
            if let group = groupOfKey[key] {
                groupOfPosition.append(group)
                continue
            }
            guard groups.count < maximumFreshGroups else { return nil }
            groupOfKey[key] = Int32(groups.count)
            groupOfPosition.append(Int32(groups.count))
            groups.append(FreshIndex.Group(variant: request.variant, priority: request.priority, target: request.target))
        }
        return FreshIndex(requests: requests, groupOfPosition: groupOfPosition, groups: groups, tables: tables)
    }

    /// Below this many ready requests, arrivals go straight to the scanned part even when a
    /// fresh index exists (scanning a short queue is cheaper than indexing it; any fresh request
    /// may be scanned, so this does not change choices).
    static var freshIndexThreshold: Int { 64 }

    /// Makes request `position` (in arrival order) ready at decision instant `time`.
    mutating func admit(_ position: Int, at time: Double) {
        if ready.fresh != nil && ready.totalCount >= Self.freshIndexThreshold {
            let group = ready.addFresh(position: position, at: time)
            if keepsGroupRepresentatives && !representativePresent[group] && !pendingFlag[group] {
                pendingFlag[group] = true
                pendingGroups.append(group)
            }
            return
        }
        var entry = ReadyRequest(request: requests[position], position: position, table: tables[requests[position].variant], admittedAt: time)
        if let fittedGammas { entry.gamma = fittedGammas[entry.variant][entry.sample * (entry.layerCount + 1)] }
        policy.admit(&entry, context: DecisionContext(time: time, semantics: configuration.semantics))
        ready.append(entry)
    }

    /// Moves the earliest fresh request of each group that lacks one into the scanned part.
    mutating func promoteRepresentatives() {
        while let group = pendingGroups.popLast() {
            pendingFlag[group] = false
            guard !representativePresent[group], let index = ready.promoteEarliestFresh(group: group) else { continue }
            var entry = ready[index]
            policy.admit(&entry, context: DecisionContext(time: entry.admittedAt, semantics: configuration.semantics))
            ready[index] = entry
            representativePresent[group] = true
        }
    }

    /// A group's representative started: the group needs a new one.
    mutating func representativeStarted(position: Int) {
        let group = ready.fresh!.group(ofPosition: position)
        representativePresent[group] = false
        if !pendingFlag[group] {
            pendingFlag[group] = true
            pendingGroups.append(group)
        }
    }

    /// Runs the next layer of `ready[index]` starting at `start` — and the layers after it while
    /// each ends before `limit` (forced decisions, see ``SchedulingPolicy/skipsForcedDecisions``);
    /// returns the end time of the last layer run and whether the request finished.
    ///
    /// The request's estimates and γ are pure functions of its sample and layer count, so they
    /// are brought up to date once, after the last layer.
    mutating func execute(_ index: Int, start: Double, continuingBefore limit: Double = -.infinity) -> (end: Double, finished: Bool) {
        let variant = ready[index].variant
        let sample = ready[index].sample
        let position = ready[index].position
        let table = tables[variant]
        let layers = table.layerCount
        var layer = ready[index].nextLayer
        if layer == 0 && keepsGroupRepresentatives { representativeStarted(position: position) }
        let steps = table.steps + 2 * sample * layers
        var end = start + steps[2 * layer]
        layer += 1
        var executed = 1
        while layer < layers && end < limit {
            end = end + steps[2 * layer]
            layer += 1
            executed += 1
        }
        if recordChoices {
            let id = ready[index].id
            for _ in 0..<executed { choices.append(id) }
        }
        decisions += executed
        // Updated in place (the request record is large).
        ready[index].nextLayer = layer
        ready[index].lastRun = end
        ready[index].realRemaining = steps[2 * layer - 1]
        ready[index].estimatedRemaining = table.estimatedRemaining[layer]
        if layer < layers {
            ready[index].estimatedNextLayer = table.estimate[layer]
        }
        if let fittedGammas {
            ready[index].gamma = fittedGammas[variant][sample * (layers + 1) + layer]
        } else if usesMonitor {
            ready[index].gamma = predictor.gamma(table.sparsityHistory(sample: sample, executed: layer))
        }
        if observesExecution { policy.layerEnded(ready[index], start: start, end: end) }
        let finished = layer == layers
        if finished {
            self.finish[position] = end
            isolated[position] = ready[index].realIsolated
            completedCount += 1
        }
        return (end, finished)
    }

    /// Records what `execute` just did for `ready[index]` on `accelerator` from `start` to
    /// `end`: a busy period and/or timeline events, as asked. Out of line, and called only when
    /// `recordsExecution`, so the hot loop pays one branch — as before the timeline existed.
    @inline(never)
    mutating func recordExecution(of index: Int, accelerator: Int, start: Double, end: Double) {
        if recordBusyPeriods { recordBusy(accelerator: accelerator, start: start, end: end) }
        if recordTimeline { recordLayers(of: index, accelerator: accelerator, start: start, end: end) }
    }

    /// Appends one timeline event for each layer `execute` just ran for `ready[index]` back to
    /// back from `start` (several when forced decisions were skipped): each end is computed as
    /// `execute` computes it, so the events are the ones a decision per layer would have
    /// recorded. The first carries the decision delay charged before it.
    mutating func recordLayers(of index: Int, accelerator: Int, start: Double, end: Double) {
        let request = ready[index]
        let table = tables[request.variant]
        let steps = table.steps + 2 * request.sample * table.layerCount
        let position = request.position
        let first = Int(timelineLayers[position])
        let last = request.nextLayer
        timelineLayers[position] = Int32(last)
        var layerStart = start
        for layer in first..<last {
            let layerEnd = layerStart + steps[2 * layer]
            timeline.append(
                TimelineEvent(
                    position: Int32(position), accelerator: Int32(accelerator), start: layerStart, end: layerEnd,
                    decisionDelay: layer == first ? decisionDelay : 0))
            layerStart = layerEnd
        }
        assert(layerStart == end, "timeline: recomputed layer ends differ from the engine's")
    }

    /// Adds a busy interval, merged with the previous one when contiguous (only when asked).
    mutating func recordBusy(accelerator: Int, start: Double, end: Double) {
        if let last = busy[accelerator].last, last.upperBound == start {
            busy[accelerator][busy[accelerator].count - 1] = last.lowerBound...end
        } else {
            busy[accelerator].append(start...end)
        }
    }

    /// The default rules (docs/semantics.md) with k accelerators sharing one ready queue.
    mutating func runDefault() throws {
        let k = configuration.accelerators
        let skipsForcedDecisions = k == 1 && policy.skipsForcedDecisions && !observesExecution
        let keepsChoiceUntilArrival = k == 1 && policy.keepsChoiceUntilArrival && !observesExecution
        var freeAt = [Double](repeating: 0, count: k)
        var inFlight = [ReadyRequest?](repeating: nil, count: k)
        var lastOnAccelerator = [Int](repeating: -1, count: k)
        var now = 0.0
        while completedCount < requests.count {
            var accelerator = 0
            for index in 1..<k where freeAt[index] < freeAt[accelerator] { accelerator = index }
            let time = max(freeAt[accelerator], now)
            now = time
            if k > 1 {
                for index in 0..<k where freeAt[index] <= time {
                    if let returning = inFlight[index] {
                        ready.append(returning)
                        inFlight[index] = nil
                    }
                }
            }
            while cursor < requests.count && requests[cursor].arrival <= time {
                admit(cursor, at: time)
                cursor += 1
            }
            if ready.totalCount == 0 {
                var next = Double.infinity
                if cursor < requests.count { next = requests[cursor].arrival }
                for index in 0..<k where inFlight[index] != nil { next = min(next, freeAt[index]) }
                guard next.isFinite else {
                    throw DystaError("internal error: no request is ready and none will arrive")
                }
                freeAt[accelerator] = next
                continue
            }
            maxReady = max(maxReady, ready.totalCount)
            if keepsGroupRepresentatives { promoteRepresentatives() }
            let context = DecisionContext(time: time, semantics: .default)
            let chosen = policy.select(from: &ready, context: context)
            guard chosen >= 0 && chosen < ready.count else { throw invalidChoice(chosen, at: time) }
            let id = ready[chosen].id
            var start = time
            if configuration.switchCost > 0 && lastOnAccelerator[accelerator] != id && lastOnAccelerator[accelerator] >= 0 {
                start += configuration.switchCost
            }
            lastOnAccelerator[accelerator] = id
            if observesExecution {
                decisionDelay = policy.decisionDelay()
                start += decisionDelay
            }
            // Alone on the only accelerator (or a policy that keeps its choice until something
            // arrives): the following layers run without a decision while each ends before the
            // next arrival.
            let forcedBefore =
                keepsChoiceUntilArrival || (skipsForcedDecisions && ready.totalCount == 1)
                ? (cursor < requests.count ? requests[cursor].arrival : .infinity) : -.infinity
            let (end, finished) = execute(chosen, start: start, continuingBefore: forcedBefore)
            if recordsExecution { recordExecution(of: chosen, accelerator: accelerator, start: start, end: end) }
            freeAt[accelerator] = end
            if finished {
                ready.removeSwapping(at: chosen)
            } else if k > 1 {
                inFlight[accelerator] = ready.removeSwapping(at: chosen)
            } else {
                ready.markChanged(at: chosen)
            }
        }
    }

    /// The artifact's loop (docs/semantics.md): strict `<` admission, one admission and a clock jump
    /// (possibly backwards) when the queue is empty.
    mutating func runArtifact() throws {
        var time = 0.0
        var last = -1
        while completedCount < requests.count {
            if cursor < requests.count {
                if ready.isEmpty {
                    time = requests[cursor].arrival
                    admit(cursor, at: time)
                    cursor += 1
                } else {
                    while cursor < requests.count && requests[cursor].arrival < time {
                        admit(cursor, at: time)
                        cursor += 1
                    }
                }
            }
            guard !ready.isEmpty else { throw DystaError("internal error: empty queue in artifact loop") }
            maxReady = max(maxReady, ready.count)
            let chosen = policy.select(from: &ready, context: DecisionContext(time: time, semantics: .artifact))
            guard chosen >= 0 && chosen < ready.count else { throw invalidChoice(chosen, at: time) }
            var start = time
            if configuration.switchCost > 0 && last != ready[chosen].id && last >= 0 { start += configuration.switchCost }
            last = ready[chosen].id
            if observesExecution {
                decisionDelay = policy.decisionDelay()
                start += decisionDelay
            }
            let (end, finished) = execute(chosen, start: start)
            if recordsExecution { recordExecution(of: chosen, accelerator: 0, start: start, end: end) }
            time = end
            if finished { ready.removeKeepingOrder(at: chosen) }
        }
    }

    /// The error of a policy whose `select` returned an index outside the queue.
    func invalidChoice(_ index: Int, at time: Double) -> DystaError {
        DystaError(
            "scheduler '\(policy.name)' chose index \(index) at simulated time \(time) s, but the ready queue holds \(ready.count) "
                + "request\(ready.count == 1 ? "" : "s") (valid: 0…\(ready.count - 1))")
    }

    func result() -> SimulationRun {
        SimulationRun(
            requests: CompletedRequests(requests: requests, finish: finish, isolated: isolated), decisions: decisions,
            maxReadyQueue: maxReady, busyPeriods: busy, choices: choices,
            timeline: recordTimeline
                ? Timeline(
                    requests: requests, events: timeline, accelerators: configuration.accelerators,
                    switchCost: configuration.switchCost) : nil)
    }
}
