import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaHardware
import DystaScheduling
import DystaSimulation
import Foundation
import Testing

func benchmarkProfile(_ name: String) throws -> WorkloadProfile {
    let workload = try Benchmark.load(name)
    return try AcceleratorRegistry.standard.make(workload.defaultAccelerator).profile(workload)
}

func runHardware(
    _ profile: WorkloadProfile, _ configuration: HardwareConfiguration, rate: Double, count: Int = 300, seed: UInt64 = 1,
    recording: Bool = false
) throws -> (run: SimulationRun, policy: DystaHardwarePolicy) {
    let requests = try RequestGenerator(profile: profile).poisson(rate: rate, count: count, sloMultiplier: 10, seed: seed)
    var policy = DystaHardwarePolicy(configuration: configuration, recordsStimulus: recording)
    let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
    let run = try Simulator(profile: profile).run(requests, policy: &policy, predictor: predictor, recordChoices: true)
    return (run, policy)
}

@Suite("dysta-hw policy")
struct HardwarePolicyTests {
    @Test func w32AgreesWithFloatDystaOnBothWorkloads() throws {
        for (name, rate) in [("attention", 40.0), ("cnn", 4.0)] {
            let (run, policy) = try runHardware(try benchmarkProfile(name), .w32, rate: rate)
            #expect(run.requests.count == 300)
            #expect(policy.statistics.decisions == run.decisions)
            #expect(policy.statistics.agreement > 0.95, "\(name): \(policy.statistics.agreement)")
            #expect(policy.statistics.chargedSeconds > 0)
        }
    }

    @Test func aFullQueueWaitsInTheHostFIFOInArrivalOrder() throws {
        var configuration = HardwareConfiguration.w32
        configuration.depthLog2 = 4
        let profile = try benchmarkProfile("cnn")
        let (run, policy) = try runHardware(profile, configuration, rate: 12, count: 200, recording: true)
        #expect(policy.statistics.maxFIFO > 20)
        #expect(run.requests.allSatisfy { $0.finish.isFinite })
        // The table never holds more than 16 requests, and requests enter it in arrival order.
        let stimulus = try #require(policy.stimulus)
        #expect(stimulus.lines.allSatisfy { !$0.hasPrefix("D ") || Int($0.split(separator: " ")[4])! <= 16 })
        let arrivals = stimulus.lines.filter { $0.hasPrefix("E ") }.map { UInt64($0.split(separator: " ")[3])! }
        #expect(arrivals.count == 200)
        #expect(arrivals == arrivals.sorted())
        _ = try StimulusReplay.check(stimulus.text, file: "fifo")
    }

    @Test func decisionTimeIsChargedSeriallyOrHidden() throws {
        let profile = try benchmarkProfile("attention")
        var slow = HardwareConfiguration.w32
        slow.clockHz = 2e7  // 10× slower scheduler: decisions take microseconds
        slow.units = .shared
        var overlapped = slow
        overlapped.timing = .overlapped
        let serialRun = try runHardware(profile, slow, rate: 40)
        let overlappedRun = try runHardware(profile, overlapped, rate: 40)
        #expect(serialRun.policy.statistics.chargedSeconds > 2 * overlappedRun.policy.statistics.chargedSeconds)
        let serialEnd = serialRun.run.requests.map(\.finish).max()!
        let overlappedEnd = overlappedRun.run.requests.map(\.finish).max()!
        #expect(serialEnd > overlappedEnd)
        // Serial: the cycles of every decision, at the clock, are what the accelerator waited.
        let cycles = Double(serialRun.policy.statistics.decisionCycles)
        #expect(abs(serialRun.policy.statistics.chargedSeconds - cycles / 2e7) < 1e-9)
    }

    @Test func workloadsThatDoNotFitAreRefusedWithTheReason() throws {
        let profile = try benchmarkProfile("cnn")
        var narrow = HardwareConfiguration.w32
        narrow.variantBits = 4
        #expect(throws: DystaError("dysta-hw: the workload has 18 model variants, the tables hold 16 (raise --hw-variant-bits to 5)")) {
            try runHardware(profile, narrow, rate: 3, count: 5)
        }
        var short = HardwareConfiguration.w32
        short.layerBits = 5
        #expect {
            try runHardware(profile, short, rate: 3, count: 5)
        } throws: { error in
            "\(error)".contains("has 50 layers, the tables hold 32 per model (raise --hw-layer-bits to 6)")
        }
        var tinyCounter = HardwareConfiguration.w32
        tinyCounter.timeBits = 16
        tinyCounter.timeUnitLog2 = 0
        #expect {
            try runHardware(profile, tinyCounter, rate: 3, count: 5)
        } throws: { error in
            "\(error)".contains("beyond the 16-bit time counter")
        }
    }

    @Test func exportedStimuliAreDeterministicAndReplayClean() throws {
        let profile = try benchmarkProfile("attention")
        var configuration = HardwareConfiguration.w16
        configuration.gammaRule = .last
        let first = try runHardware(profile, configuration, rate: 30, count: 120, recording: true).policy.stimulus!.text
        let second = try runHardware(profile, configuration, rate: 30, count: 120, recording: true).policy.stimulus!.text
        #expect(first == second)
        let summary = try StimulusReplay.check(first, file: "export")
        #expect(summary.decisions > 120)
    }
}
