import DystaCore
import DystaScheduling
import Foundation

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
    /// Worker threads for the (seed, scheduler) jobs (default: active processors); outputs do not depend on it.
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

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
        guard !schedulers.isEmpty else { throw DystaError(setting: "schedulers", "names no scheduler") }
        guard !seeds.isEmpty else { throw DystaError(setting: "seeds", "names no seed") }
        guard Set(seeds).count == seeds.count else { throw DystaError(setting: "seeds", "lists a seed twice") }
        for name in schedulers { _ = try policies.make(name, parameters: parameters) }
        _ = try predictors.make(predictor, semantics: engine.semantics)
        guard parameters.alpha.isFinite, parameters.alpha >= 0 else { throw DystaError(setting: "alpha", "must be a finite number ≥ 0") }
        guard parameters.beta.isFinite, parameters.beta >= 0 else { throw DystaError(setting: "beta", "must be a finite number ≥ 0") }
        try engine.validate()
    }

    /// Runs every scheduler on every seed, calling `body` with each outcome in seed-major order.
    ///
    /// The (seed, scheduler) jobs run on up to ``threads`` threads; `body` is called on one
    /// thread at a time, always in seed-major order, as soon as the next outcome in that order is
    /// ready, so the outputs do not depend on the number of threads. `progress(done, total)` is
    /// called (from worker threads) after each finished job. The first error in that order
    /// (of a job or of `body`) stops the run and is thrown.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil, _ body: (Outcome, [Request]) throws -> Void) throws {
        try validate()
        let cancellation = Cancellation.current
        let simulator = try Simulator(profile: profile, configuration: engine)
        let predictorInstance = try predictors.make(predictor, semantics: engine.semantics)
        let jobs = seeds.flatMap { seed in schedulers.map { (seed: seed, scheduler: $0) } }
        let workers = max(1, min(threads, jobs.count))
        // One stream per seed, made once (in parallel) and shared by that seed's schedulers.
        let streams = ResultBuffer<[Request]>(count: seeds.count)
        runOnThreads(min(workers, seeds.count)) { worker in
            for index in stride(from: worker, to: seeds.count, by: min(workers, seeds.count)) {
                streams.set(index, Result { try requests(seed: seeds[index]) })
            }
        }
        let streamOf = Dictionary(uniqueKeysWithValues: zip(seeds, streams.taken()))
        let outcomes = ResultBuffer<Outcome>(count: jobs.count)
        let delivery = OrderedDelivery()
        let next = AtomicCounter()
        let done = AtomicCounter()
        // `body` is only ever called under the delivery lock, one call at a time.
        runOnThreads(workers) { _ in
            while !delivery.stopped {
                let index = next.increment() - 1
                guard index < jobs.count else { return }
                let (seed, name) = jobs[index]
                outcomes.set(
                    index,
                    Result {
                        try cancellation.check()
                        let stream = try streamOf[seed]!.get()
                        var policy = try policies.make(name, parameters: parameters)
                        let run = try simulator.run(stream, policy: &policy, predictor: predictorInstance, recordTimeline: recordsTimeline)
                        return Outcome(scheduler: name, seed: seed, run: run, report: RunReport(run, variantCount: profile.variants.count))
                    })
                progress?(done.increment(), jobs.count)
                // Hand every outcome that is next in order to `body` (one thread at a time).
                delivery.deliver(upTo: jobs.count) { position in
                    guard let outcome = outcomes.take(position) else { return false }
                    let value = try outcome.get()
                    try body(value, try streamOf[value.seed]!.get())
                    return true
                }
            }
        }
        if let error = delivery.error { throw error }
    }

    /// Offered load ρ = rate × mean isolated latency of a uniformly drawn variant (nil for replays).
    public var offeredLoad: Double? {
        guard case .poisson(let rate, _, _) = source else { return nil }
        return rate * RequestGenerator(profile: profile).meanIsolatedLatency / Double(engine.accelerators)
    }
}

/// Result slots filled once each by worker threads and taken out once each (also used by sweeps).
package final class ResultBuffer<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()
    package init(count: Int) { slots = Array(repeating: nil, count: count) }
    package func set(_ index: Int, _ value: Result<Value, any Error>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    /// The slot's result, emptied (nil while not yet set).
    package func take(_ index: Int) -> Result<Value, any Error>? {
        lock.lock()
        defer { lock.unlock() }
        let value = slots[index]
        slots[index] = nil
        return value
    }
    /// Every result (all must be set).
    package func taken() -> [Result<Value, any Error>] {
        lock.lock()
        defer { lock.unlock() }
        return slots.map { $0! }
    }
}

/// A lock-protected counter.
package final class AtomicCounter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    package init() {}
    package func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Hands results to a consumer strictly in index order, one thread at a time.
final class OrderedDelivery: @unchecked Sendable {
    private let lock = NSLock()
    private var position = 0
    private var failure: (any Error)?

    /// Whether a delivery failed (workers then stop taking jobs).
    var stopped: Bool {
        lock.lock()
        defer { lock.unlock() }
        return failure != nil
    }

    /// The first error of a delivery.
    var error: (any Error)? {
        lock.lock()
        defer { lock.unlock() }
        return failure
    }

    /// Calls `deliver(position)` for each next position while it returns true (the result was
    /// there); a thrown error stops all delivery. Runs under the lock: one consumer at a time.
    func deliver(upTo count: Int, _ deliver: (Int) throws -> Bool) {
        lock.lock()
        defer { lock.unlock() }
        while failure == nil, position < count {
            do {
                guard try deliver(position) else { return }
                position += 1
            } catch {
                failure = error
            }
        }
    }
}
