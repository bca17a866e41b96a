import DystaSweeps
import DystaRegistries
import ArgumentParser
import DystaCore
import DystaExperiments
import DystaScheduling
import Foundation

/// `dysta sweep`: a grid of experiments run in parallel.
struct SweepCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sweep",
        abstract: "Run a grid of workloads × arrivals × SLOs × schedulers × seeds in parallel and write tidy results.",
        discussion: """
            Writes OUT/runs.csv and runs.json (one row per cell and seed), OUT/summary.csv and \
            summary.json (mean and 95% CI per cell) and OUT/config.json (the resolved grid). The \
            grid comes from flags or from --experiment FILE (JSON, or YAML for .yaml/.yml, with the same names: workloads, traces, \
            trace_kind, replay, scenarios, rates or loads, slos, schedulers, seeds, predictors, alphas, betas, requests, semantics, \
            accelerators, switch_cost, accelerator, hardware); relative paths in the file resolve against the file's folder. \
            Finished runs are saved as they finish (OUT/runs.partial.csv): after an interruption \
            (Ctrl-C, a kill, a crash) the same command with the same OUT runs only the missing ones and \
            writes the same bytes as an uninterrupted run. An OUT holding another grid is refused. \
            Results do not depend on --threads or on sharding. See docs/experiments.md.
            """)

    @Option(help: ArgumentHelp("Experiment file (JSON, or YAML for .yaml/.yml); flags below are then not allowed.", valueName: "file"))
    var experiment: String?
    @Option(help: ArgumentHelp("Shipped workloads (see 'dysta list').", valueName: "a,b"))
    var workloads: String?
    @Option(help: ArgumentHelp("Trace folders used as workloads too (named 'DIR (KIND)' in the outputs).", valueName: "dir1,dir2"))
    var traces: String?
    @Option(help: "Format of the --traces folders: native (workload.json + CSV), sanger or eyeriss (the paper artifact's CSV files).")
    var traceKind: TraceKindOption?
    @Option(help: ArgumentHelp("Replay these request tables (CSV: id,arrival,model,sample,priority,target; seconds) on every workload instead of generated arrivals; one stream each: one seed, no --rates/--loads/--slos/--requests.", valueName: "file1,file2"))
    var replay: String?
    @Option(help: ArgumentHelp("Deployment scenarios (mobile, arvr, datacenter) instead of --workloads/--rates/--loads/--slos.", valueName: "a,b"))
    var scenarios: String?
    @Option(help: ArgumentHelp("Arrival rates in requests/s.", valueName: "r1,r2"))
    var rates: String?
    @Option(help: ArgumentHelp("Offered loads ρ (dimensionless) instead of rates.", valueName: "l1,l2"))
    var loads: String?
    @Option(help: ArgumentHelp("SLO multipliers (target latency = multiplier × mean isolated latency).", valueName: "m1,m2"))
    var slos: String?
    @Option(help: ArgumentHelp("Schedulers (default: every registered policy but dysta-hw; see 'dysta list').", valueName: "a,b"))
    var schedulers: String?
    @Option(help: "Seeds: a range (1-5) or a list (default: 1-5; with --replay the single seed 1).")
    var seeds: String?
    @Option(help: ArgumentHelp("Sparsity predictors.", valueName: "a,b"))
    var predictors: String?
    @Option(help: ArgumentHelp("SDRM3 α values.", valueName: "a1,a2"))
    var alphas: String?
    @Option(help: ArgumentHelp("Dysta β values.", valueName: "b1,b2"))
    var betas: String?
    @Option(help: "Requests per run (default: 1000).")
    var requests: Int?
    @Option(help: "Rules: default or artifact.")
    var semantics: String?
    @Option(help: "Accelerators sharing the queue.")
    var accelerators: Int?
    @Option(help: "Context-switch cost in seconds.")
    var switchCost: Double?
    @Option(help: "Latency model (default: each workload's own).")
    var accelerator: String?

    @Option(help: ArgumentHelp("Output directory.", valueName: "dir"))
    var out: String?
    @Flag(help: "Print each cell of the grid as a run description (one JSON object per line, as 'dysta simulate --run' takes it; paths as written) and exit without running.")
    var printRuns = false
    @Option(help: ArgumentHelp("Run only shard i of n (jobs dealt round-robin); combine shards with 'dysta merge'.", valueName: "i/n"))
    var shard: String?
    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?
    @OptionGroup(title: "Progress (stderr)") var progressOptions: ProgressOptions
    @OptionGroup(title: "dysta-hw (docs/hardware.md; experiment-file key 'hardware')") var hardwareOptions: HardwareOptions

    func numbers(_ text: String, _ flag: String) throws -> [Double] { try parseNumbers(text, flag: flag) }

    func grid() throws -> SweepGrid {
        if let experiment {
            let flags: [Any?] = [
                workloads, traces, traceKind, replay, scenarios, rates, loads, slos, schedulers, seeds, predictors, alphas, betas, requests,
                semantics, accelerators, switchCost, accelerator,
            ]
            if flags.contains(where: { $0 != nil }) || hardwareOptions.givenOptions != nil {
                throw DystaError("--experiment gives the whole grid; drop the grid flags (or drop --experiment)")
            }
            return try SweepGrid.read(URL(fileURLWithPath: experiment))
        }
        if scenarios != nil, slos != nil || accelerators != nil || rates != nil || loads != nil || workloads != nil || traces != nil || replay != nil {
            throw DystaError(
                "--scenarios set the workload, arrivals, SLO and accelerators themselves: drop --workloads, --traces, --replay, --rates, --loads, --slos and --accelerators")
        }
        if traceKind != nil, traces == nil { throw DystaError("--trace-kind applies to --traces: give --traces DIR or drop it") }
        if replay != nil {
            let given = [("--rates", rates != nil), ("--loads", loads != nil), ("--slos", slos != nil), ("--requests", requests != nil)].filter(\.1).map(\.0)
            if !given.isEmpty {
                throw DystaError("--replay takes arrivals, targets and the number of requests from the table: drop \(given.joined(separator: ", "))")
            }
            if let seeds, try parseSeeds(seeds).count > 1 {
                throw DystaError("--replay is one request stream per table: give one seed (--seeds N only labels the runs) or leave --seeds out")
            }
        }
        guard workloads != nil || traces != nil || scenarios != nil else {
            throw DystaError("give --workloads, --traces or --scenarios (or --experiment FILE)")
        }
        var grid = SweepGrid(
            workloads: workloads.map(parseList) ?? [], rates: try rates.map { try numbers($0, "rates") },
            loads: try loads.map { try numbers($0, "loads") }, schedulers: schedulers.map(parseList) ?? Registries.current.policies.defaultNames)
        if let slos { grid.slos = try numbers(slos, "slos") }
        if let traces {
            let kind = (traceKind ?? .native).rawValue
            grid.traces = parseList(traces).map { TraceFolder(path: $0, kind: kind) }
        }
        if let replay {
            grid.replay = parseList(replay)
            grid.seeds = [1]
        }
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
        grid.hardware = hardwareOptions.givenOptions
        try grid.validate()
        return grid
    }

    func run() throws {
        try progressOptions.check()
        let grid = try grid()
        if printRuns {
            try write(grid.runDescriptions.map { $0.compactJSON() + "\n" }.joined(), to: "-")
            return
        }
        guard let out else { throw DystaError("--out is required (the output directory)") }
        let slice = try shard.map(Shard.init(parsing:)) ?? .whole
        if let threads, threads < 1 { throw DystaError("--threads must be at least 1 (got \(threads))") }
        let directory = URL(fileURLWithPath: out)
        let base = experiment.map { URL(fileURLWithPath: $0).deletingLastPathComponent() }
        let sweep = Sweep(grid: grid, shard: slice, threads: threads, baseDirectory: base)
        let store = try SweepStore(directory: directory, grid: grid, shard: slice)
        let total = sweep.jobs().count
        let reused = store.earlier.count
        let progress = progressOptions.progress("sweep")
        progress.alreadyDone = reused
        let start = Date()
        // Ctrl-C or a kill (SIGTERM) while runs are saved: finish the line being written, say
        // what is kept and exit; the rerun continues from there.
        let interruption = Interruption { signal in
            store.whileNotWriting { recorded in
                let saved = reused + recorded
                let message =
                    (progress.mode == .bar ? "\n" : "") + "dysta sweep: interrupted (\(signal == SIGINT ? "SIGINT" : "SIGTERM")); \(saved) of \(total) runs saved in \(out)/\(SweepStore.journalName): "
                    + "rerun the same command to run the other \(total - saved)\n"
                FileHandle.standardError.write(Data(message.utf8))
                _exit(128 + signal)
            }
        }
        let runs = try sweep.run(
            skipping: Set(store.earlier.map(\.job)), start: { try store.begin(); if !Cancellation.current.isHosted { interruption.arm() } },
            progress: { progress.update(reused + $0, reused + $1) }, record: { try store.record($0) })
        try store.finish(runs)
        interruption.disarm()
        let cells = grid.cells.count
        let size = "\(cells) cell\(cells == 1 ? "" : "s") × \(grid.seeds.count) seed\(grid.seeds.count == 1 ? "" : "s")"
        var summary = "sweep: \(total) runs (" + (slice == .whole ? size : "shard \(slice) of \(size)") + ")"
        summary += " in \(Progress.duration(Date().timeIntervalSince(start)))"
        if reused > 0 { summary += ", \(reused) of them from an earlier run" }
        summary += "; results in \(out)/ (runs.csv, runs.json, summary.csv, summary.json, config.json)"
        progress.finish(summary)
    }
}

/// Turns SIGINT and SIGTERM into a handler call (on its own thread) while armed.
final class Interruption: @unchecked Sendable {
    private let handler: @Sendable (Int32) -> Void
    private var sources: [any DispatchSourceSignal] = []
    private let queue = DispatchQueue(label: "dysta.signals")

    init(_ handler: @escaping @Sendable (Int32) -> Void) { self.handler = handler }

    /// Catches the signals from now on. A SIGINT ignored by whoever started the process (a
    /// shell does that for `cmd &` in a script) stays ignored.
    func arm() {
        for number in [SIGINT, SIGTERM] {
            let previous = signal(number, SIG_IGN)
            if number == SIGINT, let previous, unsafeBitCast(previous, to: Int.self) == 1 { continue }
            let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
            let handler = self.handler
            source.setEventHandler { handler(number) }
            source.resume()
            sources.append(source)
        }
    }

    /// Restores the default actions.
    func disarm() {
        for source in sources { source.cancel() }
        sources = []
        for source in sources { signal(Int32(source.handle), SIG_DFL) }
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
        let directory = URL(fileURLWithPath: out)
        try SweepStore.check(directory, grid: grid, shard: .whole)
        try SweepOutput.write(runs, grid: grid, shard: .whole, to: directory)
    }
}
