import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Testing

/// Random workloads: random layer counts and latencies per variant, random zero fractions.
func randomProfile(seed: UInt64) throws -> WorkloadProfile {
    var generator = Xoshiro256StarStar(seed: seed)
    let variantCount = 1 + generator.nextInt(below: 4)
    var models: [(name: String, latency: [[Double]], zero: [[Double]]?)] = []
    for index in 0..<variantCount {
        let layers = 1 + generator.nextInt(below: 8)
        let samples = 1 + generator.nextInt(below: 10)
        let scale = 0.001 * Double(1 + generator.nextInt(below: 20))
        let latency = (0..<samples).map { _ in (0..<layers).map { _ in scale * (0.2 + generator.nextUnit()) } }
        let zero = (0..<samples).map { _ in (0..<layers).map { _ in 0.95 * generator.nextUnit() } }
        models.append((name: "arch\(index)_p", latency: latency, zero: zero))
    }
    return try Fixtures.handProfile(models)
}

@Suite("Engine properties on random workloads")
struct PropertyTests {
    @Test(arguments: 1...12)
    func invariantsHoldForEveryPolicy(seed: Int) throws {
        let profile = try randomProfile(seed: UInt64(seed))
        var generator = Xoshiro256StarStar(seed: UInt64(1000 + seed))
        let meanIsolated = profile.variants.map(\.lut.meanIsolated).reduce(0, +) / Double(profile.variants.count)
        let load = 0.3 + 1.2 * generator.nextUnit()
        let accelerators = 1 + generator.nextInt(below: 3)
        let rate = load * Double(accelerators) / meanIsolated
        let requests = try RequestGenerator(profile: profile).poisson(rate: rate, count: 150, sloMultiplier: 1 + 9 * generator.nextUnit(), seed: UInt64(seed))
        let runs = try runAll(profile, requests, accelerators: accelerators)
        for (name, run) in runs {
            #expect(run.requests.map(\.id) == requests.map(\.id).sorted(), "\(name): each request finishes exactly once")
            for record in run.requests {
                #expect(record.finish >= record.arrival + record.isolated - 1e-12, "\(name)")
            }
        }
        guard accelerators == 1 else { return }
        // Work conservation: the accelerator is never idle while a request waits — no arrival
        // falls strictly inside an idle gap — so every policy has the same busy periods.
        let reference = runs["fcfs"]!.busyPeriods[0]
        for (name, run) in runs {
            let periods = run.busyPeriods[0]
            for (previous, next) in zip(periods, periods.dropFirst()) {
                #expect(!requests.contains { $0.arrival > previous.upperBound + 1e-12 && $0.arrival < next.lowerBound - 1e-12 }, "\(name)")
            }
            #expect(periods.count == reference.count, "\(name)")
            for (mine, theirs) in zip(periods, reference) {
                #expect(abs(mine.upperBound - theirs.upperBound) < 1e-9, "\(name)")
            }
        }
    }

    @Test(arguments: [Semantics.default, .artifact])
    func listingOrderOfEqualArrivalsDoesNotMatter(semantics: Semantics) throws {
        let profile = try randomProfile(seed: 99)
        // Bursts: groups of 5 requests share one arrival instant.
        var requests = try RequestGenerator(profile: profile).poisson(rate: 10, count: 200, sloMultiplier: 4, seed: 5)
        for index in requests.indices { requests[index].arrival = requests[(index / 5) * 5].arrival }
        var shuffled = requests
        var generator = Xoshiro256StarStar(seed: 8)
        for index in stride(from: shuffled.count - 1, to: 0, by: -1) {
            shuffled.swapAt(index, generator.nextInt(below: index + 1))
        }
        let first = try runAll(profile, requests, semantics: semantics)
        let second = try runAll(profile, shuffled, semantics: semantics)
        for name in PolicyRegistry.standard.names {
            #expect(first[name]!.requests == second[name]!.requests, "\(name)")
        }
    }
}
