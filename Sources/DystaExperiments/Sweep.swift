import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaHardware
import DystaReports
import DystaScheduling
import DystaSimulation
import Foundation

/// One run of a sweep: a cell and a seed, with its metrics.
public struct SweepRun: Sendable {
    /// Position in the whole grid (cell index · seeds + seed position): the merge key.
    public var job: Int
    public var cell: SweepCell
    public var seed: UInt64
    /// Arrival rate used (req/s).
    public var rate: Double
    /// Offered load ρ of that rate.
    public var load: Double
    public var metrics: RunMetrics
}

/// Which part of a grid to run: shard `index` (1-based) of `count`.
public struct Shard: Sendable, Equatable, CustomStringConvertible {
    public var index: Int
    public var count: Int

    /// The whole grid.
    public static let whole = Shard(index: 1, count: 1)

    /// Creates a shard; throws unless 1 ≤ index ≤ count.
    public init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Parses `i/n`.
    public init(parsing text: String) throws {
        let parts = text.split(separator: "/")
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]), n >= 1, i >= 1, i <= n else {
            throw DystaError("--shard '\(text)': expected i/n with 1 ≤ i ≤ n, e.g. 2/4")
        }
        self.init(index: i, count: n)
    }

    /// Whether this shard runs job `job` (jobs are dealt round-robin).
    public func contains(_ job: Int) -> Bool { job % count == index - 1 }

    public var description: String { "\(index)/\(count)" }
}

/// Runs a sweep grid in parallel, deterministically.
public struct Sweep: Sendable {
    /// The grid.
    public var grid: SweepGrid
    /// The slice to run.
    public var shard: Shard = .whole
    /// Worker threads (default: active processors).
    public var threads: Int = ProcessInfo.processInfo.activeProcessorCount

    /// Creates a sweep.
    public init(grid: SweepGrid, shard: Shard = .whole, threads: Int? = nil) {
        self.grid = grid
        self.shard = shard
        if let threads { self.threads = max(1, threads) }
    }

    /// Loads each workload of the grid with its latency model.
    func profiles(_ registries: Registries) throws -> [String: WorkloadProfile] {
        var result: [String: WorkloadProfile] = [:]
        let names = grid.workloads + (grid.scenarios ?? []).compactMap { try? Scenario.named($0).workload }
        for name in names where result[name] == nil {
            let workload = try Benchmark.load(name)
            let model = try registries.accelerators.make(grid.accelerator ?? workload.defaultAccelerator)
            result[name] = try model.profile(workload)
        }
        return result
    }

    /// Runs the grid (or the shard); `progress(done, total)` is called from worker threads.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [SweepRun] {
        try grid.validate()
        let semantics = Semantics(rawValue: grid.semantics) ?? .default
        let engine = EngineConfiguration(semantics: semantics, accelerators: grid.accelerators, switchCost: grid.switchCost)
        try engine.validate()
        // Read once here: worker threads do not inherit task-local values.
        let registries = Registries.current
        let policies = try grid.policyRegistry(registries.policies)
        for name in grid.schedulers { _ = try policies.make(name) }
        for name in grid.predictors { _ = try registries.predictors.make(name, semantics: semantics) }
        let profiles = try profiles(registries)
        let cells = grid.cells
        let seeds = grid.seeds
        var selected: [(job: Int, cell: SweepCell, seed: UInt64)] = []
        for cell in cells {
            for (position, seed) in seeds.enumerated() {
                let job = cell.index * seeds.count + position
                if shard.contains(job) { selected.append((job, cell, seed)) }
            }
        }
        let jobs = selected
        let results = ResultSlots<SweepRun>(count: jobs.count)
        let workers = min(threads, max(jobs.count, 1))
        let next = Counter()
        let done = Counter()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while true {
                let index = next.increment() - 1
                guard index < jobs.count else { return }
                let (job, cell, seed) = jobs[index]
                let outcome = Result {
                    try Self.execute(
                        cell: cell, seed: seed, job: job, profile: profiles[cell.scenario?.workload ?? cell.workload]!, grid: grid, engine: engine,
                        policies: policies, predictors: registries.predictors)
                }
                results.set(index, outcome)
                progress?(done.increment(), jobs.count)
            }
        }
        return try results.values().map { try $0.get() }
    }

    /// Runs one (cell, seed).
    static func execute(
        cell: SweepCell, seed: UInt64, job: Int, profile: WorkloadProfile, grid: SweepGrid, engine: EngineConfiguration,
        policies: PolicyRegistry, predictors: PredictorRegistry
    ) throws -> SweepRun {
        var configuration = engine
        let requests: [Request]
        let rate: Double
        let load: Double
        if let scenario = cell.scenario {
            configuration.accelerators = scenario.accelerators
            requests = try scenario.requests(profile: profile, semantics: engine.semantics, count: grid.requests, seed: seed)
            rate = try scenario.arrivalRate(profile: profile, semantics: engine.semantics)
            load = try scenario.offeredLoad(profile: profile, semantics: engine.semantics)
        } else {
            let generator = RequestGenerator(profile: profile, semantics: engine.semantics)
            rate = cell.arrivalIsLoad ? generator.rate(forLoad: cell.arrival, accelerators: engine.accelerators) : cell.arrival
            load = rate * generator.meanIsolatedLatency / Double(engine.accelerators)
            requests = try generator.poisson(rate: rate, count: grid.requests, sloMultiplier: cell.slo, seed: seed)
        }
        var policy = try policies.make(cell.scheduler, parameters: PolicyParameters(alpha: cell.alpha, beta: cell.beta))
        let predictor = try predictors.make(cell.predictor, semantics: engine.semantics)
        let simulation = try Simulator(profile: profile, configuration: configuration).run(requests, policy: &policy, predictor: predictor)
        return SweepRun(job: job, cell: cell, seed: seed, rate: rate, load: load, metrics: RunMetrics(simulation.requests))
    }
}

extension SweepGrid {
    /// `base` (default: the paper's policies) plus `dysta-hw` configured by ``hardware``.
    public func policyRegistry(_ base: PolicyRegistry = .standard) throws -> PolicyRegistry {
        let options = (hardware ?? [:]).sorted { $0.key < $1.key }.map { (name: $0.key, value: $0.value) }
        // The preset first: it resets the widths the other keys may set.
        let ordered = options.filter { $0.name == "preset" } + options.filter { $0.name != "preset" }
        do {
            return base.addingHardware(try HardwareConfiguration.w32.applying(ordered))
        } catch let error as DystaError {
            throw DystaError("experiment key 'hardware': \(error.message)")
        }
    }
}

/// A lock-protected counter.
final class Counter: @unchecked Sendable {
    private var value = 0
    private let lock = NSLock()
    func increment() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value += 1
        return value
    }
}

/// Result slots written once each by worker threads.
final class ResultSlots<Value>: @unchecked Sendable {
    private var slots: [Result<Value, any Error>?]
    private let lock = NSLock()
    init(count: Int) { slots = Array(repeating: nil, count: count) }
    func set(_ index: Int, _ value: Result<Value, any Error>) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }
    func values() -> [Result<Value, any Error>] { slots.map { $0! } }
}
