import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

/// A policy that forwards to another but lets the engine skip nothing: the reference for the
/// engine's forced-decision shortcuts.
struct DecidingEveryTime<Wrapped: SchedulingPolicy>: SchedulingPolicy {
    var wrapped: Wrapped
    var name: String { wrapped.name }
    var estimateSource: EstimateSource { wrapped.estimateSource }
    var usesSparsityMonitor: Bool { wrapped.usesSparsityMonitor }
    var freshRanking: FreshRanking { wrapped.freshRanking }
    mutating func prepare(for run: RunSetup) throws { try wrapped.prepare(for: run) }
    mutating func admit(_ request: inout ReadyRequest, context: DecisionContext) { wrapped.admit(&request, context: context) }
    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        wrapped.select(from: &ready, context: context)
    }
}

/// Skipping `select` when the choice is forced (a lone request, or FCFS / SJF before the next
/// arrival) must change nothing: same choices, same finish times, same decision count.
@Suite("Forced decisions are skipped without changing anything")
struct ForcedDecisionTests {
    func compare(_ policy: some SchedulingPolicy, profile: WorkloadProfile, requests: [Request], label: String) throws {
        let simulator = try Simulator(profile: profile)
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
        var skipping = policy
        var deciding = DecidingEveryTime(wrapped: policy)
        let fast = try simulator.run(requests, policy: &skipping, predictor: predictor, recordBusyPeriods: true, recordChoices: true)
        let reference = try simulator.run(requests, policy: &deciding, predictor: predictor, recordBusyPeriods: true, recordChoices: true)
        let sameChoices = fast.choices == reference.choices
        #expect(sameChoices, "\(label): choices differ")
        let sameRecords = fast.requests == reference.requests
        #expect(sameRecords, "\(label): finish times differ")
        #expect(fast.decisions == reference.decisions && fast.maxReadyQueue == reference.maxReadyQueue, "\(label)")
        #expect(fast.busyPeriods == reference.busyPeriods, "\(label): busy periods differ")
    }

    @Test(arguments: 1...8)
    func everyPolicyMatchesDecidingEveryTime(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(300 + seed))
        var generator = Xoshiro256StarStar(seed: UInt64(3300 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        // From light load (mostly lone requests) to overload.
        let load = [0.2, 0.5, 0.8, 1.2][seed % 4] * (0.8 + 0.4 * generator.nextUnit())
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: load / meanIsolated, count: 300, sloMultiplier: 1 + 9 * generator.nextUnit(), seed: UInt64(seed))
        let parameters = PolicyParameters(alpha: [0, 1, 3][seed % 3], beta: [0.01, 0.5][seed % 2])
        for name in PolicyRegistry.withProjectPolicies.names {
            let policy = try PolicyRegistry.withProjectPolicies.make(name, parameters: parameters)
            try compare(policy, profile: profile, requests: requests, label: "\(name) seed \(seed)")
        }
    }

    /// Latencies and arrivals on a grid of 1/1024 s (exact in binary), so arrivals land exactly
    /// on layer ends: the request that arrives as a layer ends is admitted at that decision and
    /// must be able to win it.
    @Test(arguments: 1...4)
    func arrivalsExactlyAtLayerEnds(seed: Int) throws {
        var generator = Xoshiro256StarStar(seed: UInt64(77 + seed))
        let tick = 1.0 / 1024
        let models = (0..<3).map { index in
            (
                name: "arch\(index)_p",
                latency: (0..<4).map { _ in (0..<(2 + index)).map { _ in tick * Double(1 + generator.nextInt(below: 8)) } },
                zero: (0..<4).map { _ in (0..<(2 + index)).map { _ in 0.9 * generator.nextUnit() } } as [[Double]]?
            )
        }
        let profile = try Fixtures.handProfile(models)
        var requests: [Request] = []
        var time = 0.0
        for id in 0..<200 {
            time += tick * Double(generator.nextInt(below: 12))
            let variant = generator.nextInt(below: 3)
            requests.append(
                Request(id: id, arrival: time, variant: variant, sample: generator.nextInt(below: 4), priority: [1, 3, 9][id % 3], target: 0.05))
        }
        for name in PolicyRegistry.withProjectPolicies.names {
            try compare(PolicyRegistry.withProjectPolicies.make(name), profile: profile, requests: requests, label: "\(name) seed \(seed)")
        }
    }
}
