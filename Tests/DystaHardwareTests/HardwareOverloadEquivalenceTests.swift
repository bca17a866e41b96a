import DystaCore
import DystaHardware
import DystaScheduling
import DystaSimulation
import Testing

/// `dysta-hw` without scanning the ready queue (arrivals from the request table, the chosen
/// request by position from `dysta`'s indexed queue, float `dysta`'s choice by `dysta`'s
/// indexed selection) must behave exactly as the reference that scans it at every decision
/// (the engine's index off).
@Suite("dysta-hw: tracked queue equals the scan")
struct HardwareOverloadEquivalenceTests {
    /// Overloaded streams (ρ 1.3–2.4) on both workloads, several hardware configurations: the
    /// same choices, finish times, decisions, statistics (agreement with float `dysta`
    /// included) and co-simulation stimulus.
    @Test(arguments: 1...6)
    func sameRunsAsTheScan(seed: Int) throws {
        let workload = seed % 2 == 0 ? "attention" : "cnn"
        let profile = try benchmarkProfile(workload)
        var configuration: HardwareConfiguration
        switch seed {
        case 1, 2: configuration = .w32
        case 3, 4: configuration = .w16
        default:
            configuration = .w32
            configuration.depthLog2 = 4
            configuration.gammaRule = .last
            configuration.scoreRule = .paper
        }
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let load = [1.5, 1.3, 2.4][seed % 3]
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: load / meanIsolated, count: 1500, sloMultiplier: [10, 3, 25][seed % 3], seed: UInt64(seed))
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
        var runs: [SimulationRun] = []
        var policies: [DystaHardwarePolicy] = []
        for indexed in [false, true] {
            let simulator = try Simulator(profile: profile, configuration: EngineConfiguration(indexesFreshRequests: indexed))
            var policy = DystaHardwarePolicy(configuration: configuration, beta: [0.01, 0.5, 0.01][seed % 3], recordsStimulus: seed == 5)
            runs.append(try simulator.run(requests, policy: &policy, predictor: predictor, recordChoices: true))
            policies.append(policy)
        }
        let label = "\(workload) seed \(seed) ρ \(load)"
        var differences: [String] = []
        if runs[1].choices != runs[0].choices {
            let first = zip(runs[1].choices, runs[0].choices).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            differences.append("choices (first at decision \(first ?? -1))")
        }
        if runs[1].requests != runs[0].requests { differences.append("finish times") }
        if runs[1].decisions != runs[0].decisions { differences.append("decision counts") }
        if policies[1].statistics != policies[0].statistics { differences.append("statistics") }
        if policies[1].stimulus?.lines != policies[0].stimulus?.lines { differences.append("stimulus") }
        #expect(differences.isEmpty, "\(label): differs from the scan in \(differences.joined(separator: ", "))")
        // The overload must reach the lower-bound heaps (queues far beyond 64).
        #expect(runs[0].maxReadyQueue > 150, "\(label): queue \(runs[0].maxReadyQueue)")
    }
}
