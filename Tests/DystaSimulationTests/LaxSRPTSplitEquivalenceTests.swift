import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaScheduling
import DystaSimulation
import Testing

/// `lax-srpt` through its deadline split (requests whose deadline has passed kept in heaps and
/// a tournament, the rest scanned) must make exactly the choices of the reference, which runs
/// rules 1–3 over the whole queue at every decision (the engine's index off).
@Suite("lax-srpt: deadline split equals the full pass")
struct LaxSRPTSplitEquivalenceTests {
    /// Option sets: the defaults, and each option that changes what the split computes.
    static let optionSets = [
        "", "aging=2", "aging=0.3,margin=0", "price=0.5", "overloadprice=inf", "guard=false", "smith=false", "margin=1.5",
        "pool=true",
    ]

    /// Overloaded streams on both shipped workloads.
    @Test(arguments: 0..<8)
    func shippedWorkloads(seed: Int) throws {
        let workload = seed % 2 == 0 ? "attention" : "cnn"
        let shipped = try Benchmark.load(workload)
        let profile = try AcceleratorRegistry.standard.make(shipped.defaultAccelerator).profile(shipped)
        let options = Self.optionSets[seed % Self.optionSets.count]
        try compare(profile: profile, options: options, load: [1.4, 1.5, 2, 1.3][seed % 4], count: 1500,
            slo: [10, 3, 25, 50][seed % 4], accelerators: options.contains("pool") || seed == 7 ? 2 : 1,
            seed: UInt64(seed + 1), label: "\(workload) seed \(seed)")
    }

    /// Overloaded streams on random profiles (random layer counts, latencies and sparsity),
    /// every option set, one and two accelerators, with bursts of equal arrivals.
    @Test(arguments: 0..<9)
    func randomProfiles(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(1300 + seed))
        let options = Self.optionSets[seed]
        try compare(profile: profile, options: options, load: 1.3 + 0.2 * Double(seed % 5), count: 900,
            slo: [2, 8, 20][seed % 3], accelerators: seed % 3 == 2 ? 2 : 1, seed: UInt64(40 + seed),
            bursts: seed % 2 == 1, label: "random seed \(seed)")
    }

    func compare(
        profile: WorkloadProfile, options: String, load: Double, count: Int, slo: Double, accelerators: Int, seed: UInt64,
        bursts: Bool = false, label: String
    ) throws {
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let rate = load * Double(accelerators) / meanIsolated
        var requests = try RequestGenerator(profile: profile).poisson(rate: rate, count: count, sloMultiplier: slo, seed: seed)
        if bursts {
            let grid = 4 / rate
            for index in requests.indices { requests[index].arrival = (requests[index].arrival / grid).rounded(.down) * grid }
        }
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
        var runs: [SimulationRun] = []
        var splitDecisions = 0
        for indexed in [false, true] {
            let simulator = try Simulator(
                profile: profile, configuration: EngineConfiguration(accelerators: accelerators, indexesFreshRequests: indexed))
            var policy = try LaxSRPTPolicy.make(options: options)
            runs.append(try simulator.run(requests, policy: &policy, predictor: predictor, recordChoices: true))
            if indexed { splitDecisions = policy.splitDecisions } else { #expect(policy.splitDecisions == 0) }
        }
        let name = "lax-srpt[\(options)] \(label) ρ \(load), k \(accelerators)"
        let first = zip(runs[1].choices, runs[0].choices).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        #expect(runs[1].choices == runs[0].choices, "\(name): choices differ from the full pass at decision \(first ?? -1)")
        #expect(runs[1].requests == runs[0].requests, "\(name): finish times differ")
        #expect(runs[1].decisions == runs[0].decisions, "\(name): decision counts differ")
        #expect(runs[1].maxReadyQueue == runs[0].maxReadyQueue, "\(name): largest queue differs")
        // The overload must reach the split (the queue grows past the threshold and deadlines pass).
        #expect(splitDecisions * 10 > runs[1].decisions, "\(name): only \(splitDecisions) of \(runs[1].decisions) decisions split")
    }
}
