import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

/// Runs the highest priority first (ties: earlier arrival, then lower id): a scripted choice
/// for hand-built timelines.
struct HighestPriorityFirst: SchedulingPolicy {
    var name: String { "highest-priority" }
    var estimateSource: EstimateSource { .patternAware }
    var usesSparsityMonitor: Bool { false }
    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        var best = 0
        for index in ready.indices.dropFirst() {
            let candidate = ready[index], current = ready[best]
            if candidate.priority > current.priority || (candidate.priority == current.priority && candidate.winsTie(against: current)) {
                best = index
            }
        }
        return best
    }
}

/// Forwards to another policy but charges a fixed decision delay, as `dysta-hw` does.
struct DelayedDecisions<Wrapped: SchedulingPolicy>: SchedulingPolicy {
    var wrapped: Wrapped
    var delay: Double
    var name: String { wrapped.name }
    var estimateSource: EstimateSource { wrapped.estimateSource }
    var usesSparsityMonitor: Bool { wrapped.usesSparsityMonitor }
    var observesExecution: Bool { true }
    mutating func decisionDelay() -> Double { delay }
    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        wrapped.select(from: &ready, context: context)
    }
}

@Suite("Timeline")
struct TimelineTests {
    static let predictor = try! PredictorRegistry.standard.make("avg-ratio", semantics: .default)

    static func run(
        _ policy: some SchedulingPolicy, profile: WorkloadProfile, requests: [Request],
        configuration: EngineConfiguration = EngineConfiguration()
    ) throws -> SimulationRun {
        var policy = policy
        return try Simulator(profile: profile, configuration: configuration)
            .run(requests, policy: &policy, predictor: predictor, recordTimeline: true)
    }

    /// Every layer of every request once and in order, layer latencies from the profile, no
    /// overlap per accelerator, first start and finish as the run's records say.
    ///
    /// The artifact's clock jumps back when its queue empties (docs/semantics.md), so its layers
    /// may overlap: `overlapFree: false` skips that check.
    static func checkInvariants(_ run: SimulationRun, profile: WorkloadProfile, label: String, overlapFree: Bool = true) throws {
        let timeline = try #require(run.timeline, "\(label): no timeline recorded")
        let layers = timeline.layers()
        let expected = timeline.requests.reduce(0) { $0 + profile.variants[$1.variant].layerCount }
        #expect(layers.count == expected, "\(label): \(layers.count) events for \(expected) layers")
        #expect(layers.count == run.decisions, "\(label)")
        var seen = [[Int]](repeating: [], count: timeline.requests.count)
        for layer in layers {
            seen[layer.position].append(layer.layer)
            let variant = profile.variants[layer.request.variant]
            let latency = variant.latency[layer.request.sample * variant.layerCount + layer.layer]
            #expect(layer.end == layer.start + latency, "\(label): layer \(layer.layer) of request \(layer.request.id)")
            #expect(layer.start >= layer.request.arrival, "\(label): request \(layer.request.id) ran before it arrived")
        }
        for (position, indices) in seen.enumerated() {
            let count = profile.variants[timeline.requests[position].variant].layerCount
            #expect(indices == Array(0..<count), "\(label): request \(timeline.requests[position].id) ran layers \(indices)")
        }
        for accelerator in 0..<timeline.accelerators where overlapFree {
            let own = layers.filter { $0.accelerator == accelerator }
            for (previous, next) in zip(own, own.dropFirst()) {
                #expect(previous.end <= next.start, "\(label): accelerator \(accelerator) overlaps or goes back at \(next.start)")
            }
        }
        let summaries = timeline.requestSummaries()
        #expect(summaries.map(\.request.id) == run.requests.map(\.id), "\(label): summaries in id order")
        for (summary, record) in zip(summaries, run.requests) {
            #expect(summary.finish == record.finish, "\(label): request \(record.id) finish")
            #expect(summary.violated == record.violated, "\(label): request \(record.id)")
            let first = layers.first { $0.request.id == record.id && $0.layer == 0 }
            #expect(summary.firstStart == first?.start, "\(label): request \(record.id) first start")
            #expect(summary.queueingDelay >= 0, "\(label)")
        }
    }

    @Test(arguments: [(Semantics.default, 1), (.default, 2), (.default, 3), (.artifact, 1)])
    func everyLayerOnceInOrderWithoutOverlap(semantics: Semantics, accelerators: Int) throws {
        let profile = try randomProfile(seed: 41)
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let requests = try RequestGenerator(profile: profile, semantics: semantics).poisson(
            rate: 1.1 * Double(accelerators) / meanIsolated, count: 250, sloMultiplier: 4, seed: 5)
        for name in PolicyRegistry.standard.names {
            let policy = try PolicyRegistry.standard.make(name)
            let configuration = EngineConfiguration(semantics: semantics, accelerators: accelerators, switchCost: 0.0005)
            let run = try Self.run(policy, profile: profile, requests: requests, configuration: configuration)
            try Self.checkInvariants(
                run, profile: profile, label: "\(name) \(semantics) k=\(accelerators)", overlapFree: semantics == .default)
        }
    }

    @Test func notRecordedUnlessAsked() throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile).poisson(rate: 20, count: 20, sloMultiplier: 5, seed: 1)
        var policy = try PolicyRegistry.standard.make("dysta")
        let run = try Simulator(profile: profile).run(requests, policy: &policy, predictor: Self.predictor)
        #expect(run.timeline == nil)
    }

    /// The forced-decision shortcuts run several layers in one step; the timeline must still
    /// hold each layer with the start and end a decision per layer gives.
    @Test(arguments: 1...4)
    func identicalWithoutForcedDecisionShortcuts(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(60 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: [0.2, 0.6, 0.9, 1.3][seed - 1] / meanIsolated, count: 300, sloMultiplier: 5, seed: UInt64(seed))
        for name in PolicyRegistry.standard.names {
            let policy = try PolicyRegistry.standard.make(name)
            let (fast, reference) = try Self.fastAndDecidingEveryTime(policy, profile: profile, requests: requests)
            try Self.checkInvariants(fast, profile: profile, label: "\(name) seed \(seed)")
            #expect(fast.timeline == reference.timeline, "\(name) seed \(seed): timeline differs from a decision per layer")
        }
    }

    static func fastAndDecidingEveryTime(
        _ policy: some SchedulingPolicy, profile: WorkloadProfile, requests: [Request]
    ) throws -> (SimulationRun, SimulationRun) {
        (try run(policy, profile: profile, requests: requests), try run(DecidingEveryTime(wrapped: policy), profile: profile, requests: requests))
    }

    @Test(arguments: [1, 2])
    func identicalWithAndWithoutTheFreshIndex(accelerators: Int) throws {
        let profile = try randomProfile(seed: 77)
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        // Overloaded, so queues pass the index threshold.
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: 2 * Double(accelerators) / meanIsolated, count: 600, sloMultiplier: 6, seed: 9)
        for name in PolicyRegistry.standard.names {
            let policy = try PolicyRegistry.standard.make(name)
            let scan = try Self.run(
                policy, profile: profile, requests: requests,
                configuration: EngineConfiguration(accelerators: accelerators, indexesFreshRequests: false))
            let indexed = try Self.run(
                policy, profile: profile, requests: requests,
                configuration: EngineConfiguration(accelerators: accelerators, indexesFreshRequests: true))
            #expect(scan.maxReadyQueue > 64, "\(name): the queue must reach the index threshold")
            #expect(scan.timeline == indexed.timeline, "\(name) k=\(accelerators): timeline differs with the fresh index")
        }
    }

    /// A (priority 1, 3 layers) is preempted by B (priority 9) after its first layer, and also by
    /// C (priority 5) after its second when C arrives in time; B and C are never preempted.
    @Test func preemptionsOnAHandBuiltCase() throws {
        let profile = try smallProfile()
        // net_a sample 0: 0.010, 0.020, 0.030; other sample 0: 0.050, 0.010; net_b sample 0: 0.005, 0.010, 0.015.
        let requests = [
            Request(id: 0, arrival: 0, variant: 0, sample: 0, priority: 1, target: 1),
            Request(id: 1, arrival: 0.005, variant: 2, sample: 0, priority: 9, target: 1),
            Request(id: 2, arrival: 0.105, variant: 1, sample: 0, priority: 5, target: 0.01),
        ]
        let run = try Self.run(HighestPriorityFirst(), profile: profile, requests: requests)
        try Self.checkInvariants(run, profile: profile, label: "hand")
        let timeline = try #require(run.timeline)
        // A 0–0.01, B 0.01–0.06–0.07, A 0.07–0.09–0.12 (C arrives at 0.105, during A's last
        // layer), C 0.12–0.15.
        let order = timeline.layers().map { "\($0.request.id).\($0.layer)" }
        #expect(order == ["0.0", "1.0", "1.1", "0.1", "0.2", "2.0", "2.1", "2.2"])
        let summaries = timeline.requestSummaries()
        #expect(summaries.map(\.preemptions) == [1, 0, 0])
        #expect(abs(summaries[1].queueingDelay - 0.005) < 1e-12)
        #expect(summaries[2].queueingDelay == summaries[2].firstStart - 0.105)
        #expect(summaries.map(\.accelerators) == [[0], [0], [0]])
        #expect(summaries.map(\.layers) == [3, 2, 3])
        #expect(summaries[2].violated && !summaries[0].violated)

        // C arriving during A's second layer takes the accelerator again: two preemptions.
        var twice = requests
        twice[2].arrival = 0.08
        let second = try #require(try Self.run(HighestPriorityFirst(), profile: profile, requests: twice).timeline)
        #expect(second.layers().map { "\($0.request.id).\($0.layer)" } == ["0.0", "1.0", "1.1", "0.1", "2.0", "2.1", "2.2", "0.2"])
        #expect(second.requestSummaries().map(\.preemptions) == [2, 0, 0])
    }

    /// With two accelerators, running beside another request is no preemption; losing one's
    /// accelerator to a newcomer is, and moving to the other accelerator is not.
    @Test func preemptionsWithTwoAccelerators() throws {
        // Times in units of 1/1024 s, exact in binary, so ties are real ties.
        let u = 1.0 / 1024
        let profile = try Fixtures.handProfile([
            (name: "a_p", latency: [[2 * u, 4 * u, 4 * u]], zero: nil),
            (name: "b_p", latency: [[10 * u, 2 * u]], zero: nil),
            (name: "c_p", latency: [[u, 2 * u, 3 * u]], zero: nil),
        ])
        let requests = [
            Request(id: 0, arrival: 0, variant: 0, sample: 0, priority: 1, target: 1),
            Request(id: 1, arrival: 0, variant: 1, sample: 0, priority: 3, target: 1),
            Request(id: 2, arrival: u, variant: 2, sample: 0, priority: 9, target: 1),
            Request(id: 3, arrival: 12 * u, variant: 1, sample: 0, priority: 1, target: 1),
        ]
        let run = try Self.run(
            HighestPriorityFirst(), profile: profile, requests: requests, configuration: EngineConfiguration(accelerators: 2))
        try Self.checkInvariants(run, profile: profile, label: "two accelerators")
        let timeline = try #require(run.timeline)
        // t=0: B (priority 3) on accelerator 0 until 10, A on 1 until 2. t=2: C (priority 9)
        // takes accelerator 1 until 8 — a preemption of A. t=8: A on 1 until 12; t=10: B on 0
        // until 12. t=12: both free, accelerator 0 decides first and A moves there; D (arrived
        // at 12) gets accelerator 1 only after A resumed — no preemption of A.
        let placed = timeline.layers().map { "\($0.request.id).\($0.layer)@\($0.accelerator)" }
        #expect(placed == ["1.0@0", "0.0@1", "2.0@1", "2.1@1", "2.2@1", "0.1@1", "1.1@0", "0.2@0", "3.0@1", "3.1@0"])
        #expect(timeline.layers().map { $0.start / u } == [0, 0, 2, 3, 5, 8, 10, 12, 12, 22])
        let summaries = timeline.requestSummaries()
        #expect(summaries.map(\.preemptions) == [1, 0, 0, 0])
        #expect(summaries.map(\.accelerators) == [[0, 1], [0], [1], [0, 1]])
        #expect(summaries.map { $0.queueingDelay / u } == [0, 0, 1, 0])
    }

    /// A policy's decision delay and the switch cost are recorded with the layer they delay.
    @Test(arguments: [1, 2])
    func decisionDelaysAndSwitchCostsAreRecorded(accelerators: Int) throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile).poisson(rate: 30 * Double(accelerators), count: 120, sloMultiplier: 5, seed: 4)
        let delay = 0.000_25, switchCost = 0.001
        let policy = DelayedDecisions(wrapped: SJFPolicy(sparse: false), delay: delay)
        let run = try Self.run(
            policy, profile: profile, requests: requests,
            configuration: EngineConfiguration(accelerators: accelerators, switchCost: switchCost))
        try Self.checkInvariants(run, profile: profile, label: "delayed k=\(accelerators)")
        let layers = try #require(run.timeline).layers()
        // A policy that observes execution decides before every layer.
        #expect(layers.allSatisfy { $0.decisionDelay == delay })
        #expect(layers.contains { $0.switchCost == switchCost } && layers.contains { $0.switchCost == 0 })
        var previousEnd = [Double](repeating: 0, count: accelerators)
        var previousRequest = [Int](repeating: -1, count: accelerators)
        for layer in layers {
            let switched = previousRequest[layer.accelerator] >= 0 && previousRequest[layer.accelerator] != layer.request.id
            #expect(layer.switchCost == (switched ? switchCost : 0))
            // The layer starts after what was charged before it, counted from the later of the
            // accelerator's previous end and the request's arrival.
            let earliest = max(previousEnd[layer.accelerator], layer.request.arrival) + layer.switchCost + layer.decisionDelay
            #expect(layer.start >= earliest - 1e-12, "request \(layer.request.id) layer \(layer.layer)")
            previousEnd[layer.accelerator] = layer.end
            previousRequest[layer.accelerator] = layer.request.id
        }
    }
}
