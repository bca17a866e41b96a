import DystaRegistries
import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaHardware
import DystaReports
import DystaScheduling
import DystaSimulation
import DystaTraces
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
            throw DystaError(setting: "shard", "'\(text)': expected i/n with 1 ≤ i ≤ n, e.g. 2/4")
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
    /// The folder relative trace and replay paths resolve against (nil: the working directory).
    public var baseDirectory: URL?

    /// Creates a sweep.
    public init(grid: SweepGrid, shard: Shard = .whole, threads: Int? = nil, baseDirectory: URL? = nil) {
        self.grid = grid
        self.shard = shard
        self.baseDirectory = baseDirectory
        if let threads { self.threads = max(1, threads) }
    }

    /// Where a path of the grid points: absolute paths (and `~/…`) as they are, relative ones
    /// under ``baseDirectory``.
    public func resolve(_ path: String) -> URL {
        let expanded = path.hasPrefix("~/") ? NSString(string: path).expandingTildeInPath : path
        if expanded.hasPrefix("/") { return URL(fileURLWithPath: expanded) }
        let base = baseDirectory ?? URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true)
        return base.appendingPathComponent(expanded)
    }

    /// Loads each workload of the grid with its latency model, keyed by the cells' workload name.
    func profiles(_ registries: Registries) throws -> [String: WorkloadProfile] {
        var result: [String: WorkloadProfile] = [:]
        func add(_ label: String, _ load: () throws -> Workload) throws {
            guard result[label] == nil else { return }
            let workload = try load()
            let model = try registries.accelerators.make(grid.accelerator ?? workload.defaultAccelerator)
            result[label] = try model.profile(workload)
        }
        let names = grid.workloads + (grid.scenarios ?? []).compactMap { try? Scenario.named($0).workload }
        for name in names {
            try add(name) {
                do {
                    return try Benchmark.load(name)
                } catch let error as DystaError where FileManager.default.fileExists(atPath: resolve(name).path) {
                    throw DystaError("\(error.message); '\(name)' is a folder: give it as a trace folder (setting 'traces')")
                }
            }
        }
        for folder in grid.traces ?? [] {
            try add(folder.label) {
                let url = resolve(folder.path)
                switch folder.kind {
                case "sanger": return try ArtifactTraceLoader.loadDirectory(url, kind: .sanger)
                case "eyeriss": return try ArtifactTraceLoader.loadDirectory(url, kind: .eyeriss)
                default: return try NativeTraceLoader.loadDirectory(url)
                }
            }
        }
        return result
    }

    /// Reads every replayed table against every workload, keyed by `workload + "\n" + table`.
    func replayTables(_ profiles: [String: WorkloadProfile]) throws -> [String: [Request]] {
        var result: [String: [Request]] = [:]
        for table in grid.replay ?? [] {
            for label in grid.workloadLabels where result[label + "\n" + table] == nil {
                result[label + "\n" + table] = try RequestTableFile.read(resolve(table), profile: profiles[label]!)
            }
        }
        return result
    }

    /// The (job, cell, seed) triples of the grid this shard runs, in job order.
    public func jobs() -> [(job: Int, cell: SweepCell, seed: UInt64)] {
        var selected: [(job: Int, cell: SweepCell, seed: UInt64)] = []
        let seeds = grid.seeds
        for cell in grid.cells {
            for (position, seed) in seeds.enumerated() {
                let job = cell.index * seeds.count + position
                if shard.contains(job) { selected.append((job, cell, seed)) }
            }
        }
        return selected
    }

    /// Runs the grid (or the shard); `progress(done, total)` is called from worker threads.
    public func run(progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> [SweepRun] {
        try run(skipping: [], start: nil, progress: progress, record: nil)
    }

    /// Runs the jobs of the grid (or the shard) not in `finished`, returning their runs in job
    /// order. `start` is called once every name, workload and table was checked and loaded,
    /// before the first job; `record` with each run as it finishes and `progress(done, total)`
    /// after it (both from worker threads; `done` and `total` count the jobs run here). The
    /// first error in job order is thrown.
    public func run(
        skipping finished: Set<Int>, start: (() throws -> Void)? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil,
        record: (@Sendable (SweepRun) throws -> Void)?
    ) throws -> [SweepRun] {
        try grid.validate()
        let semantics = Semantics(rawValue: grid.semantics) ?? .default
        let engine = EngineConfiguration(semantics: semantics, accelerators: grid.accelerators, switchCost: grid.switchCost)
        try engine.validate()
        // Read once here: worker threads do not inherit task-local values.
        let registries = Registries.current
        let cancellation = Cancellation.current
        let policies = try grid.policyRegistry(registries.policies)
        for name in grid.schedulers { _ = try policies.make(name) }
        for name in grid.predictors { _ = try registries.predictors.make(name, semantics: semantics) }
        let profiles = try profiles(registries)
        let tables = try replayTables(profiles)
        let jobs = jobs().filter { !finished.contains($0.job) }
        try start?()
        let results = ResultBuffer<SweepRun>(count: jobs.count)
        let workers = min(threads, max(jobs.count, 1))
        let next = AtomicCounter()
        let done = AtomicCounter()
        runOnThreads(workers) { _ in
            while true {
                let index = next.increment() - 1
                guard index < jobs.count, !cancellation.isRequested else { return }
                let (job, cell, seed) = jobs[index]
                let outcome = Result {
                    let run = try Self.execute(
                        cell: cell, seed: seed, job: job, profile: profiles[cell.scenario?.workload ?? cell.workload]!, grid: grid, engine: engine,
                        policies: policies, predictors: registries.predictors, replayed: cell.replay.flatMap { tables[cell.workload + "\n" + $0] })
                    try record?(run)
                    return run
                }
                results.set(index, outcome)
                progress?(done.increment(), jobs.count)
            }
        }
        try cancellation.check()
        return try results.taken().map { try $0.get() }
    }

    /// Runs one (cell, seed).
    static func execute(
        cell: SweepCell, seed: UInt64, job: Int, profile: WorkloadProfile, grid: SweepGrid, engine: EngineConfiguration,
        policies: PolicyRegistry, predictors: PredictorRegistry, replayed: [Request]? = nil
    ) throws -> SweepRun {
        var configuration = engine
        let requests: [Request]
        let rate: Double
        let load: Double
        if let replayed {
            // The table's own rate: requests per second up to the last arrival (0 if all arrive at 0).
            requests = replayed
            let last = replayed.map(\.arrival).max() ?? 0
            rate = last > 0 ? Double(replayed.count) / last : 0
            load = rate * RequestGenerator(profile: profile, semantics: engine.semantics).meanIsolatedLatency / Double(engine.accelerators)
        } else if let scenario = cell.scenario {
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
        do {
            return base.addingHardware(try HardwareConfiguration.w32.applying(settings: hardware ?? [:]))
        } catch let error as DystaError {
            throw DystaError("experiment key 'hardware': \(error.message)")
        }
    }
}


