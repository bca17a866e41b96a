import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

/// Two variants of one architecture plus a second architecture, 3 samples each.
func smallProfile() throws -> WorkloadProfile {
    try Fixtures.handProfile([
        (name: "net_a", latency: [[0.010, 0.020, 0.030], [0.012, 0.018, 0.040], [0.008, 0.030, 0.020]],
         zero: [[0.5, 0.6, 0.7], [0.4, 0.5, 0.6], [0.6, 0.7, 0.8]]),
        (name: "net_b", latency: [[0.005, 0.010, 0.015], [0.006, 0.012, 0.010], [0.004, 0.008, 0.020]],
         zero: [[0.7, 0.7, 0.7], [0.5, 0.5, 0.5], [0.8, 0.6, 0.9]]),
        (name: "other", latency: [[0.050, 0.010], [0.040, 0.030], [0.060, 0.020]], zero: nil),
    ])
}

func runAll(
    _ profile: WorkloadProfile, _ requests: [Request], semantics: Semantics = .default, accelerators: Int = 1,
    switchCost: Double = 0, predictor: String = "avg-ratio"
) throws -> [String: SimulationRun] {
    let simulator = try Simulator(
        profile: profile,
        configuration: EngineConfiguration(semantics: semantics, accelerators: accelerators, switchCost: switchCost))
    let predictorInstance = try PredictorRegistry.standard.make(predictor, semantics: semantics)
    var runs: [String: SimulationRun] = [:]
    for name in PolicyRegistry.standard.names {
        var policy = try PolicyRegistry.standard.make(name)
        runs[name] = try simulator.run(requests, policy: &policy, predictor: predictorInstance, recordBusyPeriods: true)
    }
    return runs
}

@Suite("Engine")
struct EngineTests {
    @Test func staticTablesAreAveragedAndWeightedBySampleCount() throws {
        let profile = try smallProfile()
        #expect(profile.architectures == ["net", "other"])
        let a = profile.variants[0].lut
        #expect(abs(a.averageLatency[0] - 0.010) < 1e-15)
        #expect(abs(a.meanIsolated - (0.06 + 0.07 + 0.058) / 3) < 1e-15)
        let net = profile.architectureLUTs[0]
        #expect(abs(net.meanIsolated - (profile.variants[0].lut.meanIsolated + profile.variants[1].lut.meanIsolated) / 2) < 1e-15)
        #expect(profile.variants[0].realRemaining[1] == 0.020 + 0.030)
    }

    @Test(arguments: [Semantics.default, .artifact])
    func everyRequestFinishesOnceAndNeverBeforeItsIsolatedLatency(semantics: Semantics) throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile, semantics: semantics)
            .poisson(rate: 40, count: 300, sloMultiplier: 3, seed: 11)
        for (name, run) in try runAll(profile, requests, semantics: semantics) {
            #expect(run.requests.count == requests.count, "\(name)")
            #expect(Set(run.requests.map(\.id)) == Set(requests.map(\.id)), "\(name)")
            #expect(run.decisions == requests.reduce(0) { $0 + profile.variants[$1.variant].layerCount }, "\(name)")
            if semantics == .default {
                for record in run.requests {
                    #expect(record.finish >= record.arrival + record.isolated - 1e-12, "\(name) request \(record.id)")
                }
            }
        }
    }

    @Test func timeNeverDecreasesAndBusyPeriodsMatchAcrossPolicies() throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile).poisson(rate: 8, count: 400, sloMultiplier: 5, seed: 3)
        let runs = try runAll(profile, requests)
        let reference = runs["fcfs"]!.busyPeriods[0]
        #expect(reference.count > 1, "the stream should have idle gaps")
        for (name, run) in runs {
            let periods = run.busyPeriods[0]
            for (previous, next) in zip(periods, periods.dropFirst()) {
                #expect(previous.upperBound < next.lowerBound, "\(name): time went backwards or overlapped")
            }
            #expect(periods.count == reference.count, "\(name)")
            for (mine, theirs) in zip(periods, reference) {
                #expect(abs(mine.lowerBound - theirs.lowerBound) < 1e-9 && abs(mine.upperBound - theirs.upperBound) < 1e-9, "\(name)")
            }
        }
    }

    @Test func artifactClockJumpsBackwardsWhenTheQueueEmpties() throws {
        // Request 1 arrives during request 0's last layer: the artifact admits arrivals only
        // before a layer, so when request 0 ends (0.07) the queue is empty and the clock jumps
        // back to request 1's arrival (0.065).
        let profile = try smallProfile()
        let requests = [
            Request(id: 0, arrival: 0.01, variant: 2, sample: 0, priority: 1, target: 1),
            Request(id: 1, arrival: 0.07, variant: 2, sample: 0, priority: 1, target: 1),
        ]
        // sample 0 of 'other' takes 0.050 + 0.010: request 0 runs 0.01 … 0.07.
        let inside = [requests[0], Request(id: 1, arrival: 0.065, variant: 2, sample: 0, priority: 1, target: 1)]
        let artifact = try runAll(profile, inside, semantics: .artifact)["fcfs"]!
        // Request 1 starts at its arrival 0.065 (clock jumped back from 0.07) and ends 0.06 later.
        #expect(abs(artifact.requests[1].finish - (0.065 + 0.06)) < 1e-12)
        let corrected = try runAll(profile, inside)["fcfs"]!
        #expect(abs(corrected.requests[1].finish - (0.07 + 0.06)) < 1e-12)
        // Strict admission: B (priority 9) arrives exactly when A's first layer ends (t = 0.05).
        // Default rules admit it there and Planaria runs it first; the artifact's strict '<'
        // lets A finish its last layer, then jumps the clock back to B's arrival.
        let exact = [
            Request(id: 0, arrival: 0, variant: 2, sample: 0, priority: 1, target: 1),
            Request(id: 1, arrival: 0.05, variant: 1, sample: 0, priority: 9, target: 1),
        ]
        let strict = try runAll(profile, exact, semantics: .artifact)["planaria"]!
        let inclusive = try runAll(profile, exact)["planaria"]!
        #expect(abs(strict.requests[0].finish - 0.06) < 1e-12)
        #expect(abs(strict.requests[1].finish - 0.08) < 1e-12)
        #expect(abs(inclusive.requests[1].finish - 0.08) < 1e-12)
        #expect(abs(inclusive.requests[0].finish - 0.09) < 1e-12)
    }

    @Test func artifactDrawsOnlySamplesZeroToSix() throws {
        let profile = try Fixtures.sangerWorkload()
        let sanger = try DystaAccelerators_profile(profile)
        let artifact = try RequestGenerator(profile: sanger, semantics: .artifact).poisson(rate: 30, count: 2000, sloMultiplier: 10, seed: 1)
        #expect(artifact.allSatisfy { $0.sample <= 6 })
        let corrected = try RequestGenerator(profile: sanger).poisson(rate: 30, count: 2000, sloMultiplier: 10, seed: 1)
        #expect(corrected.contains { $0.sample > 6 })
        #expect(Set(corrected.filter { $0.variant == 0 }.map(\.sample)).count == sanger.variants[0].sampleCount)
    }

    @Test func multipleAcceleratorsFinishEverythingAndOverlap() throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile).poisson(rate: 60, count: 300, sloMultiplier: 5, seed: 5)
        for (name, run) in try runAll(profile, requests, accelerators: 3) {
            #expect(run.requests.count == 300, "\(name)")
            for record in run.requests { #expect(record.finish >= record.arrival + record.isolated - 1e-12, "\(name)") }
            // Each accelerator runs one layer at a time: its busy periods never overlap.
            #expect(run.busyPeriods.count == 3)
            #expect(run.busyPeriods.allSatisfy { !$0.isEmpty }, "\(name): every accelerator should work")
            for periods in run.busyPeriods {
                #expect(zip(periods, periods.dropFirst()).allSatisfy { $0.upperBound < $1.lowerBound }, "\(name)")
            }
        }
        let one = try runAll(profile, requests)["fcfs"]!
        let three = try runAll(profile, requests, accelerators: 3)["fcfs"]!
        #expect(RunMetrics(three.requests).antt! < RunMetrics(one.requests).antt!)
    }

    @Test func switchCostDelaysLayersOfADifferentRequest() throws {
        let profile = try smallProfile()
        let requests = [
            Request(id: 0, arrival: 0, variant: 2, sample: 0, priority: 1, target: 1),
            Request(id: 1, arrival: 0, variant: 2, sample: 0, priority: 1, target: 1),
        ]
        let run = try runAll(profile, requests, switchCost: 0.001)["fcfs"]!
        #expect(abs(run.requests[0].finish - 0.06) < 1e-12)
        #expect(abs(run.requests[1].finish - 0.121) < 1e-12)
    }

    @Test func configurationErrors() throws {
        let profile = try smallProfile()
        #expect(throws: DystaError.self) { try Simulator(profile: profile, configuration: EngineConfiguration(accelerators: 0)) }
        #expect(throws: DystaError.self) { try Simulator(profile: profile, configuration: EngineConfiguration(switchCost: -1)) }
        #expect(throws: DystaError.self) {
            try Simulator(profile: profile, configuration: EngineConfiguration(semantics: .artifact, accelerators: 2))
        }
        let generator = RequestGenerator(profile: profile)
        #expect(throws: DystaError.self) { try generator.poisson(rate: 0, count: 10, sloMultiplier: 1, seed: 1) }
        #expect(throws: DystaError.self) { try generator.poisson(rate: 1, count: 10, sloMultiplier: -1, seed: 1) }
        #expect(throws: DystaError.self) { try generator.poisson(rate: .nan, count: 10, sloMultiplier: 1, seed: 1) }
    }

    @Test func sameSeedSameStreamAndStreamsAreIndependent() throws {
        let profile = try smallProfile()
        let generator = RequestGenerator(profile: profile)
        let first = try generator.poisson(rate: 10, count: 100, sloMultiplier: 10, seed: 42)
        #expect(first == (try generator.poisson(rate: 10, count: 100, sloMultiplier: 10, seed: 42)))
        let faster = try generator.poisson(rate: 20, count: 100, sloMultiplier: 10, seed: 42)
        // Changing the rate changes arrivals only: models, priorities and samples stay.
        #expect(first.map(\.variant) == faster.map(\.variant))
        #expect(first.map(\.priority) == faster.map(\.priority))
        #expect(first.map(\.sample) == faster.map(\.sample))
        #expect(zip(first, faster).allSatisfy { abs($0.arrival - 2 * $1.arrival) < 1e-9 })
        #expect(first != (try generator.poisson(rate: 10, count: 100, sloMultiplier: 10, seed: 43)))
    }
}

import DystaAccelerators

/// The Sanger profile of a workload (helper named to avoid clashing with library API).
func DystaAccelerators_profile(_ workload: Workload) throws -> WorkloadProfile {
    try SangerModel().profile(workload)
}

@Suite("Periodic arrivals")
struct PeriodicArrivalTests {
    @Test func streamsInterleaveWithBoundedJitter() throws {
        let profile = try smallProfile()
        let requests = try RequestGenerator(profile: profile).periodic(streams: 2, rate: 10, jitter: 0.1, count: 40, sloMultiplier: 5, seed: 1)
        #expect(requests.count == 40)
        #expect(zip(requests, requests.dropFirst()).allSatisfy { $0.arrival <= $1.arrival })
        // 2 streams × 10 fps: 20 frames per second, so 40 frames span about 2 s.
        #expect(requests.last!.arrival > 1.8 && requests.last!.arrival < 2.1)
        #expect(throws: DystaError.self) { try RequestGenerator(profile: profile).periodic(streams: 0, rate: 10, jitter: 0, count: 5, sloMultiplier: 1, seed: 1) }
        #expect(throws: DystaError.self) { try RequestGenerator(profile: profile).periodic(streams: 1, rate: 10, jitter: 1, count: 5, sloMultiplier: 1, seed: 1) }
    }
}
