import DystaCore
import Foundation

/// Generates request streams (docs/semantics.md) from separate seeded random streams per purpose.
public struct RequestGenerator: Sendable {
    /// The workload the requests are for.
    public let profile: WorkloadProfile
    /// Priorities drawn uniformly (default PREMA's {1, 3, 9}).
    public var priorities: [Int] = [1, 3, 9]
    /// Variants drawn uniformly (default: all of the workload).
    public var variants: [Int]
    /// Largest sample index drawn + 1 per variant; `nil` = all samples. The artifact drew only 0…6.
    public var sampleLimit: Int? = nil

    /// Creates a generator over every variant of `profile`.
    public init(profile: WorkloadProfile) {
        self.profile = profile
        self.variants = Array(profile.variants.indices)
    }

    /// A generator following the chosen semantics (artifact: samples limited to 0…6).
    public init(profile: WorkloadProfile, semantics: Semantics) {
        self.init(profile: profile)
        if semantics == .artifact { sampleLimit = 7 }
    }

    /// Target latency of a variant: SLO multiplier × mean isolated latency of its architecture.
    public func target(variant: Int, sloMultiplier: Double) -> Double {
        sloMultiplier * profile.architectureLUT(ofVariant: variant).meanIsolated
    }

    /// The mean isolated latency (s) of a request whose variant is drawn uniformly from `variants`.
    public var meanIsolatedLatency: Double {
        var total = 0.0
        for variant in variants { total += profile.variants[variant].lut.meanIsolated }
        return total / Double(variants.count)
    }

    /// The arrival rate (req/s) that offers load ρ to `accelerators` accelerators.
    public func rate(forLoad load: Double, accelerators: Int = 1) -> Double {
        load * Double(accelerators) / meanIsolatedLatency
    }

    /// `count` requests with Poisson arrivals at `rate` requests/s.
    ///
    /// Arrival gaps, variants, priorities and samples come from four independent streams of
    /// `seed`, so changing e.g. the rate leaves the variant/priority/sample sequence unchanged.
    public func poisson(rate: Double, count: Int, sloMultiplier: Double, seed: UInt64) throws -> [Request] {
        guard rate > 0, rate.isFinite else { throw DystaError(setting: "rate", "must be a positive number of requests/s (got \(rate))") }
        guard sloMultiplier > 0, sloMultiplier.isFinite else {
            throw DystaError(setting: "slo", "must be a positive multiplier (got \(sloMultiplier))")
        }
        guard count > 0 else { throw DystaError(setting: "requests", "must be at least 1 (got \(count))") }
        var time = 0.0
        var arrivals = RandomStreams(seed: seed).stream(.arrivals)
        var arrivalTimes = [Double](repeating: 0, count: count)
        for index in 0..<count {
            time += -PortableMath.log(1 - arrivals.nextUnit()) / rate
            arrivalTimes[index] = time
        }
        return draw(arrivals: arrivalTimes, sloMultiplier: sloMultiplier, seed: seed)
    }

    /// `count` requests from `streams` periodic sources (e.g. cameras) at `rate` frames/s each.
    ///
    /// Stream s starts at phase s / (streams · rate); each frame is delayed by a uniform jitter
    /// in [0, jitter · period) drawn from the arrivals stream. Frames of all streams are merged
    /// in time order; the first `count` are kept.
    public func periodic(streams: Int, rate: Double, jitter: Double, count: Int, sloMultiplier: Double, seed: UInt64) throws
        -> [Request]
    {
        guard streams >= 1 else { throw DystaError("a periodic arrival process needs at least one stream") }
        guard rate > 0, rate.isFinite else { throw DystaError("the frame rate must be positive (got \(rate))") }
        guard jitter >= 0, jitter < 1 else { throw DystaError("the jitter must be in [0, 1) of a period (got \(jitter))") }
        guard sloMultiplier > 0, sloMultiplier.isFinite else { throw DystaError("the SLO multiplier must be positive") }
        guard count > 0 else { throw DystaError(setting: "requests", "must be at least 1 (got \(count))") }
        let period = 1 / rate
        var random = RandomStreams(seed: seed).stream(.arrivals)
        let framesPerStream = (count + streams - 1) / streams + 1
        var times: [Double] = []
        times.reserveCapacity(framesPerStream * streams)
        for stream in 0..<streams {
            let phase = Double(stream) * period / Double(streams)
            for frame in 0..<framesPerStream {
                times.append(phase + Double(frame) * period + jitter * period * random.nextUnit())
            }
        }
        times.sort()
        return draw(arrivals: Array(times.prefix(count)), sloMultiplier: sloMultiplier, seed: seed)
    }

    /// Requests at the given arrival times, with variants, priorities and samples drawn from `seed`.
    public func draw(arrivals: [Double], sloMultiplier: Double, seed: UInt64) -> [Request] {
        let streams = RandomStreams(seed: seed)
        var models = streams.stream(.models)
        var priorityStream = streams.stream(.priorities)
        var samples = streams.stream(.samples)
        var requests: [Request] = []
        requests.reserveCapacity(arrivals.count)
        for (index, arrival) in arrivals.enumerated() {
            let variant = variants[models.nextInt(below: variants.count)]
            let priority = priorities[priorityStream.nextInt(below: priorities.count)]
            let available = profile.variants[variant].sampleCount
            let sample = samples.nextInt(below: min(available, sampleLimit ?? available))
            requests.append(
                Request(
                    id: index, arrival: arrival, variant: variant, sample: sample, priority: priority,
                    target: target(variant: variant, sloMultiplier: sloMultiplier)))
        }
        return requests
    }
}
