import DystaCore
import DystaScheduling

/// Where a comparison's requests come from.
public enum RequestSource: Sendable {
    /// Poisson arrivals generated per seed.
    case poisson(rate: Double, count: Int, sloMultiplier: Double)
    /// A fixed request table (the same for every seed).
    case replay([Request])
    /// Any generator of one stream per seed (e.g. a deployment scenario).
    case generated(@Sendable (UInt64) throws -> [Request])
}

/// Several schedulers run on the identical request stream of each seed.
public struct Comparison: Sendable {
    /// The workload after a latency model was applied.
    public var profile: WorkloadProfile
    /// Scheduler names (looked up in `policies`).
    public var schedulers: [String]
    /// α and β.
    public var parameters: PolicyParameters
    /// Predictor name (looked up in `predictors`).
    public var predictor: String
    /// Engine rules, accelerators and switch cost.
    public var engine: EngineConfiguration
    /// Seeds; each gives one request stream shared by all schedulers.
    public var seeds: [UInt64]
    /// Request source.
    public var source: RequestSource
    /// Policy registry.
    public var policies: PolicyRegistry = .standard
    /// Predictor registry.
    public var predictors: PredictorRegistry = .standard
    /// Whether each run keeps its timeline (``SimulationRun/timeline``; costs 32 bytes per layer).
    public var recordsTimeline = false

    /// Creates a comparison.
    public init(
        profile: WorkloadProfile, schedulers: [String], parameters: PolicyParameters = PolicyParameters(),
        predictor: String = "avg-ratio", engine: EngineConfiguration = EngineConfiguration(), seeds: [UInt64],
        source: RequestSource
    ) {
        self.profile = profile
        self.schedulers = schedulers
        self.parameters = parameters
        self.predictor = predictor
        self.engine = engine
        self.seeds = seeds
        self.source = source
    }

    /// One scheduler's run on one seed.
    public struct Outcome: Sendable {
        public var scheduler: String
        public var seed: UInt64
        public var run: SimulationRun
        public var report: RunReport
    }

    /// The request stream of one seed.
    public func requests(seed: UInt64) throws -> [Request] {
        switch source {
        case .replay(let requests): return requests
        case .generated(let make): return try make(seed)
        case .poisson(let rate, let count, let slo):
            return try RequestGenerator(profile: profile, semantics: engine.semantics)
                .poisson(rate: rate, count: count, sloMultiplier: slo, seed: seed)
        }
    }

    /// Checks every name and value before any run starts.
    public func validate() throws {
        guard !schedulers.isEmpty else { throw DystaError("--schedulers names no scheduler") }
        guard !seeds.isEmpty else { throw DystaError("--seeds names no seed") }
        for name in schedulers { _ = try policies.make(name, parameters: parameters) }
        _ = try predictors.make(predictor, semantics: engine.semantics)
        guard parameters.alpha.isFinite, parameters.alpha >= 0 else { throw DystaError("--alpha must be a finite number ≥ 0") }
        guard parameters.beta.isFinite, parameters.beta >= 0 else { throw DystaError("--beta must be a finite number ≥ 0") }
        try engine.validate()
    }

    /// Runs every scheduler on every seed (seed-major order), calling `body` with each outcome.
    public func run(_ body: (Outcome, [Request]) throws -> Void) throws {
        try validate()
        let simulator = try Simulator(profile: profile, configuration: engine)
        let predictorInstance = try predictors.make(predictor, semantics: engine.semantics)
        for seed in seeds {
            let stream = try requests(seed: seed)
            for name in schedulers {
                var policy = try policies.make(name, parameters: parameters)
                let run = try simulator.run(stream, policy: &policy, predictor: predictorInstance, recordTimeline: recordsTimeline)
                try body(
                    Outcome(scheduler: name, seed: seed, run: run, report: RunReport(run, variantCount: profile.variants.count)),
                    stream)
            }
        }
    }

    /// Offered load ρ = rate × mean isolated latency of a uniformly drawn variant (nil for replays).
    public var offeredLoad: Double? {
        guard case .poisson(let rate, _, _) = source else { return nil }
        return rate * RequestGenerator(profile: profile).meanIsolatedLatency / Double(engine.accelerators)
    }
}
