import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

/// The fresh-request index (and Dysta's started-request heap) must make exactly the choices of
/// the reference: every policy scanning every ready request.
@Suite("Indexed selection equals the full scan")
struct FreshIndexEquivalenceTests {
    @Test(arguments: 1...12)
    func sameChoicesAsTheScan(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(500 + seed))
        var generator = Xoshiro256StarStar(seed: UInt64(7000 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        // Mostly overload, so queues pass the index threshold and grow to hundreds.
        let load = seed % 4 == 0 ? 0.6 + 0.3 * generator.nextUnit() : 1.3 + 1.5 * generator.nextUnit()
        let accelerators = seed % 3 == 0 ? 2 : 1
        let rate = load * Double(accelerators) / meanIsolated
        var requests = try RequestGenerator(profile: profile).poisson(
            rate: rate, count: 400, sloMultiplier: 1 + 19 * generator.nextUnit(), seed: UInt64(seed))
        if seed % 2 == 0 {
            // Bursts of equal arrivals (ties broken by id).
            let grid = 4 / rate
            for index in requests.indices { requests[index].arrival = (requests[index].arrival / grid).rounded(.down) * grid }
        }
        let parameters = PolicyParameters(alpha: [0, 1, 3][seed % 3], beta: [0.01, 0, 0.5, 2][seed % 4])
        var largestQueue = 0
        for name in PolicyRegistry.standard.names {
            let runs = try Self.scanAndIndexed(
                name, parameters: parameters, profile: profile, requests: requests, accelerators: accelerators, label: "seed \(seed)")
            #expect(runs.scan.choices.count == runs.scan.decisions)
            largestQueue = max(largestQueue, runs.scan.maxReadyQueue)
        }
        if load > 1.2 { #expect(largestQueue > 100, "the overload case must exercise the index (queue \(largestQueue))") }
    }

    /// Long overloaded streams (one accelerator for seeds 1–2, two for 3–4), where hundreds of
    /// started requests are abandoned (γ raises their estimate) or started at once (SDRM3)
    /// and the started-request heaps take over from the scan: SJF's exact heap of R, PREMA's
    /// two heaps, SDRM3's upper-bound lanes and Dysta's lower-bound lanes (all three forms).
    @Test(arguments: 1...4)
    func sameChoicesWithLongStartedQueues(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(900 + seed))
        var generator = Xoshiro256StarStar(seed: UInt64(9100 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let load = 2 + generator.nextUnit()
        let accelerators = seed <= 2 ? 1 : 2
        let rate = load * Double(accelerators) / meanIsolated
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: rate, count: 1500, sloMultiplier: 2 + 10 * generator.nextUnit(), seed: UInt64(seed))
        let parameters = PolicyParameters(beta: [0.01, 0.5, 0.1, 2][seed - 1])
        for name in ["sjf", "sjf-sparse", "prema-sparse", "sdrm3", "sdrm3-sparse", "dysta", "dysta-naive", "dysta-oracle"] {
            _ = try Self.scanAndIndexed(
                name, parameters: parameters, profile: profile, requests: requests, accelerators: accelerators,
                label: "long seed \(seed)")
        }
    }

    /// `sdrm3-sparse`'s kinetic tournament on the shipped workloads, overloaded (ρ 1.2–2),
    /// with α 0.5, 1 and 4 on one and two accelerators: the queue holds hundreds of started
    /// requests with continuous divisors γ · estimate, and the choices must be the scan's.
    @Test(arguments: 1...6)
    func sdrm3SparseOnShippedWorkloads(seed: Int) throws {
        let workload = try Benchmark.load(seed % 2 == 0 ? "attention" : "cnn")
        let profile = try AcceleratorRegistry.standard.make(workload.defaultAccelerator).profile(workload)
        var generator = Xoshiro256StarStar(seed: UInt64(9300 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let load = 1.2 + 0.8 * generator.nextUnit()
        let accelerators = seed <= 4 ? 1 : 2
        let rate = load * Double(accelerators) / meanIsolated
        let requests = try RequestGenerator(profile: profile).poisson(
            rate: rate, count: 2500, sloMultiplier: [3, 10, 25][seed % 3], seed: UInt64(seed))
        for alpha in [0.5, 1, 4] {
            let runs = try Self.scanAndIndexed(
                "sdrm3-sparse", parameters: PolicyParameters(alpha: alpha), profile: profile, requests: requests,
                accelerators: accelerators, label: "\(workload.name) seed \(seed) ρ \(load) α \(alpha) k \(accelerators)")
            // Past the tournament's threshold (256 scanned requests), with room to spare.
            #expect(runs.scan.maxReadyQueue > 500, "queue \(runs.scan.maxReadyQueue)")
        }
        // Plain `sdrm3` on cnn (more than 256 (variant, layer) lanes) uses the tournament too.
        if workload.name == "cnn" {
            let alpha = [0.5, 1, 4][seed % 3]
            _ = try Self.scanAndIndexed(
                "sdrm3", parameters: PolicyParameters(alpha: alpha), profile: profile, requests: requests,
                accelerators: accelerators, label: "cnn seed \(seed) ρ \(load) α \(alpha) k \(accelerators)")
        }
    }

    /// Runs `name` with the index off (the scan) and on, and expects identical choices, finish
    /// times, decision counts and largest queue.
    static func scanAndIndexed(
        _ name: String, parameters: PolicyParameters, profile: WorkloadProfile, requests: [Request], accelerators: Int,
        label: String
    ) throws -> (scan: SimulationRun, indexed: SimulationRun) {
        let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
        var runs: [SimulationRun] = []
        for indexed in [false, true] {
            let simulator = try Simulator(
                profile: profile, configuration: EngineConfiguration(accelerators: accelerators, indexesFreshRequests: indexed))
            var policy = try PolicyRegistry.standard.make(name, parameters: parameters)
            runs.append(try simulator.run(requests, policy: &policy, predictor: predictor, recordChoices: true))
        }
        let firstDifference = zip(runs[1].choices, runs[0].choices).enumerated().first { $0.element.0 != $0.element.1 }?.offset
        let sameChoices = runs[1].choices == runs[0].choices
        #expect(sameChoices, "\(name) \(label): indexed choices differ from the scan at decision \(firstDifference ?? -1)")
        let sameRecords = runs[1].requests == runs[0].requests
        #expect(sameRecords, "\(name) \(label): finish times differ")
        #expect(runs[1].maxReadyQueue == runs[0].maxReadyQueue, "\(name) \(label)")
        #expect(runs[1].decisions == runs[0].decisions, "\(name) \(label): decision counts differ")
        return (runs[0], runs[1])
    }
}
