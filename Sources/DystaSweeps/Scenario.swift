import DystaCore
import DystaSimulation

/// A deployment scenario: workload, model subset, arrival process, SLO and accelerator count.
///
/// The numbers are justified in `docs/scenarios.md`.
public struct Scenario: Sendable, Equatable {
    /// How requests arrive.
    public enum Arrivals: Sendable, Equatable {
        /// Poisson arrivals at an offered load ρ (per accelerator).
        case poissonLoad(Double)
        /// Periodic camera-like streams: `streams` sources at `fps` frames/s, jitter as a fraction of a period.
        case periodic(streams: Int, fps: Double, jitter: Double)
    }

    public var name: String
    public var summary: String
    public var workload: String
    /// Architectures of the workload to use (empty: all).
    public var architectures: [String]
    public var arrivals: Arrivals
    public var sloMultiplier: Double
    public var accelerators: Int

    /// The built-in scenarios.
    public static let all: [Scenario] = [
        Scenario(
            name: "mobile", summary: "phone visual perception: 2 cameras × 12 fps, EfficientNet-Lite0 + ResNet-50-thin variants, SLO ×5, 1 accelerator",
            workload: "cnn", architectures: ["efficientnet-lite0", "resnet50-thin"],
            arrivals: .periodic(streams: 2, fps: 12, jitter: 0.1), sloMultiplier: 5, accelerators: 1),
        Scenario(
            name: "arvr", summary: "AR/VR hand tracking: 2 cameras × 45 fps, EfficientNet-Lite0 variants, tight SLO ×2, 2 accelerators",
            workload: "cnn", architectures: ["efficientnet-lite0"],
            arrivals: .periodic(streams: 2, fps: 45, jitter: 0.05), sloMultiplier: 2, accelerators: 2),
        Scenario(
            name: "datacenter", summary: "attention serving: Poisson at ρ = 0.85 per accelerator, all 3 attention models, SLO ×10, 4 accelerators",
            workload: "attention", architectures: [], arrivals: .poissonLoad(0.85), sloMultiplier: 10, accelerators: 4),
    ]

    /// The scenario with this name; throws naming the known ones.
    public static func named(_ name: String) throws -> Scenario {
        guard let scenario = all.first(where: { $0.name == name }) else {
            throw DystaError("unknown scenario '\(name)' (known: \(all.map(\.name).joined(separator: ", ")))")
        }
        return scenario
    }

    /// A generator restricted to the scenario's architectures.
    public func generator(profile: WorkloadProfile, semantics: Semantics) throws -> RequestGenerator {
        var generator = RequestGenerator(profile: profile, semantics: semantics)
        if !architectures.isEmpty {
            generator.variants = profile.variants.indices.filter { architectures.contains(profile.architectures[profile.variants[$0].architectureIndex]) }
            guard !generator.variants.isEmpty else {
                throw DystaError("scenario '\(name)': workload '\(workload)' has none of \(architectures.joined(separator: ", "))")
            }
        }
        return generator
    }

    /// The request stream of one seed.
    public func requests(profile: WorkloadProfile, semantics: Semantics, count: Int, seed: UInt64) throws -> [Request] {
        let generator = try generator(profile: profile, semantics: semantics)
        switch arrivals {
        case .poissonLoad(let load):
            return try generator.poisson(rate: generator.rate(forLoad: load, accelerators: accelerators), count: count, sloMultiplier: sloMultiplier, seed: seed)
        case .periodic(let streams, let fps, let jitter):
            return try generator.periodic(streams: streams, rate: fps, jitter: jitter, count: count, sloMultiplier: sloMultiplier, seed: seed)
        }
    }

    /// Mean arrival rate of the scenario (requests/s).
    public func arrivalRate(profile: WorkloadProfile, semantics: Semantics) throws -> Double {
        switch arrivals {
        case .poissonLoad(let load):
            return try generator(profile: profile, semantics: semantics).rate(forLoad: load, accelerators: accelerators)
        case .periodic(let streams, let fps, _):
            return Double(streams) * fps
        }
    }

    /// Offered load of the scenario's arrivals (per accelerator).
    public func offeredLoad(profile: WorkloadProfile, semantics: Semantics) throws -> Double {
        switch arrivals {
        case .poissonLoad(let load): return load
        case .periodic:
            let mean = try generator(profile: profile, semantics: semantics).meanIsolatedLatency
            return try arrivalRate(profile: profile, semantics: semantics) * mean / Double(accelerators)
        }
    }
}
