import DystaCore
@testable import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

// The example of docs/adding-a-scheduler.md, verbatim: keep the two in step.

/// Earliest deadline first: the ready request whose deadline comes first runs.
struct EarliestDeadlineFirst: SchedulingPolicy {
    var name: String { "edf" }
    var estimateSource: EstimateSource { .patternAware }
    var usesSparsityMonitor: Bool { false }

    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        argmin(ready) { $0.deadline }
    }
}

// The per-request state example of docs/adding-a-scheduler.md, verbatim.
struct LeastAttainedService: SchedulingPolicy {
    var name: String { "las" }
    var estimateSource: EstimateSource { .patternAware }
    var usesSparsityMonitor: Bool { false }
    var served = PerRequestState(initial: 0)  // layers run so far, per request

    mutating func prepare(for run: RunSetup) throws { served.reset(count: run.requests.count) }

    mutating func select(from ready: inout ReadyQueue, context: DecisionContext) -> Int {
        let chosen = argmin(ready) { Double(served[$0]) }
        served[ready[chosen]] += 1
        return chosen
    }
}

@Suite("A user-defined policy")
struct CustomPolicyTests {
    @Test func registersAndRunsThroughTheComparison() throws {
        let registry = PolicyRegistry.standard.adding("edf", summary: "earliest deadline first") { _ in
            EarliestDeadlineFirst()
        }
        #expect(registry.names.last == "edf")
        let profile = try Fixtures.handProfile([
            (name: "a", latency: [[0.01, 0.01]], zero: nil), (name: "b", latency: [[0.05, 0.05]], zero: nil),
        ])
        var comparison = Comparison(
            profile: profile, schedulers: ["edf", "fcfs"], seeds: [1],
            source: .poisson(rate: 30, count: 200, sloMultiplier: 2))
        comparison.policies = registry
        var violations: [String: Double] = [:]
        try comparison.run { outcome, _ in violations[outcome.scheduler] = outcome.report.overall.violationRate }
        #expect(violations.keys.sorted() == ["edf", "fcfs"])
        // Under this load EDF meets more deadlines than FCFS.
        #expect(violations["edf"]! <= violations["fcfs"]!)
    }

    @Test func perRequestStateCountsEveryLayerOfEveryRequest() throws {
        let profile = try Fixtures.handProfile([
            (name: "a", latency: [[0.01, 0.01, 0.01]], zero: nil), (name: "b", latency: [[0.02, 0.02]], zero: nil),
        ])
        let requests = try RequestGenerator(profile: profile).poisson(rate: 40, count: 120, sloMultiplier: 3, seed: 4)
        var policy = LeastAttainedService()
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
        let run = try Simulator(profile: profile).run(requests, policy: &policy, predictor: predictor)
        #expect(run.requests.count == 120)
        // Every layer was counted once, on its own request.
        let layers = requests.map { profile.variants[$0.variant].layerCount }.reduce(0, +)
        #expect(policy.served.storage.reduce(0, +) == layers)
        // A second run starts from zero (prepare resets the state).
        _ = try Simulator(profile: profile).run(requests, policy: &policy, predictor: predictor)
        #expect(policy.served.storage.reduce(0, +) == layers)
    }

    @Test func edfPicksTheEarliestDeadline() {
        var policy = EarliestDeadlineFirst()
        var ready = ReadyQueue()
        ready.append(ReadyRequest(id: 1, position: 0, arrival: 0, deadline: 5, priority: 1, variant: 0, sample: 0, layerCount: 1,
                                  estimatedIsolated: 1, estimatedNextLayer: 1, realIsolated: 1, admittedAt: 0))
        ready.append(ReadyRequest(id: 2, position: 1, arrival: 1, deadline: 3, priority: 1, variant: 0, sample: 0, layerCount: 1,
                                  estimatedIsolated: 1, estimatedNextLayer: 1, realIsolated: 1, admittedAt: 1))
        #expect(policy.select(from: &ready, context: DecisionContext(time: 1, semantics: .default)) == 1)
    }
}
