import ArgumentParser
import DystaCore
import DystaExperiments
import DystaScheduling
import Foundation

/// A progress bar on stderr, silent when stderr is not a terminal or when quiet.
final class ProgressBar: @unchecked Sendable {
    let enabled: Bool
    let lock = NSLock()
    var lastShown = -1

    init(quiet: Bool) { enabled = !quiet && isatty(STDERR_FILENO) == 1 }

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let percent = done * 100 / total
        guard percent != lastShown || done == total else { return }
        lastShown = percent
        let width = 30
        let filled = done * width / total
        let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(done)/\(total) runs\(done == total ? "\n" : "")".utf8))
    }
}

/// `dysta sweep`: a grid of experiments run in parallel.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of workloads × arrivals × SLOs × schedulers × seeds in parallel and write tidy results.",
        discussion: """
            Writes OUT/runs.csv and runs.json (one row per cell and seed), OUT/summary.csv and \
            summary.json (mean and 95% CI per cell) and OUT/config.json (the resolved grid). The \
            grid comes from flags or from --experiment FILE (JSON, or YAML for .yaml/.yml, with the same names: workloads, scenarios, \
            rates or loads, slos, schedulers, seeds, predictors, alphas, betas, requests, semantics, \
            accelerators, switch_cost, accelerator). Results do not depend on --threads or on sharding.
            """)

    @Option(help: ArgumentHelp("Experiment file (JSON); flags below are then not allowed.", valueName: "file"))
    var experiment: String?
    @Option(help: ArgumentHelp("Shipped workloads.", valueName: "a,b"))
    var workloads: String?
    @Option(help: ArgumentHelp("Deployment scenarios (mobile, arvr, datacenter) instead of --workloads/--rates/--loads/--slos.", valueName: "a,b"))
    var scenarios: String?
    @Option(help: ArgumentHelp("Arrival rates in requests/s.", valueName: "r1,r2"))
    var rates: String?
    @Option(help: ArgumentHelp("Offered loads ρ instead of rates.", valueName: "l1,l2"))
    var loads: String?
    @Option(help: ArgumentHelp("SLO multipliers.", valueName: "m1,m2"))
    var slos: String?
    @Option(help: ArgumentHelp("Schedulers (default: every registered policy but dysta-hw; see 'dysta list').", valueName: "a,b"))
    var schedulers: String?
    @Option(help: "Seeds: a range (1-5) or a list.")
    var seeds: String?
    @Option(help: ArgumentHelp("Sparsity predictors.", valueName: "a,b"))
    var predictors: String?
    @Option(help: ArgumentHelp("SDRM3 α values.", valueName: "a1,a2"))
    var alphas: String?
    @Option(help: ArgumentHelp("Dysta β values.", valueName: "b1,b2"))
    var betas: String?
    @Option(help: "Requests per run.")
    var requests: Int?
    @Option(help: "Rules: default or artifact.")
    var semantics: String?
    @Option(help: "Accelerators sharing the queue.")
    var accelerators: Int?
    @Option(help: "Context-switch cost (s).")
    var switchCost: Double?
    @Option(help: "Latency model (default: each workload's own).")
    var accelerator: String?

    @Option(help: ArgumentHelp("Output directory.", valueName: "dir"))
    var out: String
    @Option(help: ArgumentHelp("Run only shard i of n (jobs dealt round-robin); combine shards with 'dysta merge'.", valueName: "i/n"))
    var shard: String?
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?
    @Flag(help: "No progress bar.")
    var quiet = false
    @OptionGroup(title: "dysta-hw (docs/hardware.md; experiment-file key 'hardware')") var hardwareOptions: HardwareOptions

    /// The dysta-hw flags given (nil when none differs from the defaults).
    var hardwareFlags: [String: String]? {
        let given = hardwareOptions.options.filter { !($0.name == "preset" && $0.value == "w32") }
        guard !given.isEmpty else { return nil }
        return Dictionary(hardwareOptions.options.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    func numbers(_ text: String, _ flag: String) throws -> [Double] { try parseNumbers(text, flag: flag) }

    func grid() throws -> SweepGrid {
        if let experiment {
            let flags: [Any?] = [workloads, scenarios, rates, loads, slos, schedulers, seeds, predictors, alphas, betas, requests, semantics, accelerators, switchCost, accelerator]
            if flags.contains(where: { $0 != nil }) || hardwareFlags != nil {
                throw DystaError("--experiment gives the whole grid; drop the grid flags (or drop --experiment)")
            }
            return try SweepGrid.read(URL(fileURLWithPath: experiment))
        }
        if scenarios != nil, slos != nil || accelerators != nil || rates != nil || loads != nil || workloads != nil {
            throw DystaError("--scenarios set the workload, arrivals, SLO and accelerators themselves: drop --workloads, --rates, --loads, --slos and --accelerators")
        }
        guard workloads != nil || scenarios != nil else { throw DystaError("give --workloads or --scenarios (or --experiment FILE)") }
        var grid = SweepGrid(
            workloads: workloads.map(parseList) ?? [], rates: try rates.map { try numbers($0, "rates") },
            loads: try loads.map { try numbers($0, "loads") }, schedulers: schedulers.map(parseList) ?? Registries.current.policies.names)
        if let slos { grid.slos = try numbers(slos, "slos") }
        if let seeds { grid.seeds = try parseSeeds(seeds) }
        if let predictors { grid.predictors = parseList(predictors) }
        if let alphas { grid.alphas = try numbers(alphas, "alphas") }
        if let betas { grid.betas = try numbers(betas, "betas") }
        if let requests { grid.requests = requests }
        if let semantics { grid.semantics = semantics }
        if let accelerators { grid.accelerators = accelerators }
        if let switchCost { grid.switchCost = switchCost }
        grid.accelerator = accelerator
        grid.scenarios = scenarios.map(parseList)
        grid.hardware = hardwareFlags
        try grid.validate()
        return grid
    }

    func run() throws {
        let grid = try grid()
        let slice = try shard.map(Shard.init(parsing:)) ?? .whole
        if let threads, threads < 1 { throw DystaError("--threads must be at least 1") }
        let bar = ProgressBar(quiet: quiet)
        let runs = try Sweep(grid: grid, shard: slice, threads: threads).run { bar.update($0, $1) }
        try SweepOutput.write(runs, grid: grid, shard: slice, to: URL(fileURLWithPath: out))
    }
}

/// `dysta merge`: combine the output directories of shards.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Combine the output directories of 'dysta sweep --shard' runs into one result.")

    @Argument(help: ArgumentHelp("Shard output directories.", valueName: "dir"))
    var directories: [String]

    @Option(help: ArgumentHelp("Output directory for the merged result.", valueName: "dir"))
    var out: String

    func run() throws {
        let (grid, runs) = try SweepOutput.merge(directories.map { URL(fileURLWithPath: $0) })
        try SweepOutput.write(runs, grid: grid, shard: .whole, to: URL(fileURLWithPath: out))
    }
}
