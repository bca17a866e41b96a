import DystaSweeps
import DystaRegistries
import ArgumentParser
import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaExperiments
import DystaReports
import DystaScheduling
import DystaSimulation
import Foundation

/// `dysta bench`: simulator speed per policy, load and stream length.
struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure simulator speed: layer decisions/s and requests/s per policy, offered load and request count.",
        discussion: "Times only the simulation (not loading or request generation), on one thread. Build with -c release. Peak memory is the process's resident high-water mark so far.")

    @Option(help: "Shipped workload.")
    var workload: String = "attention"
    @Option(help: ArgumentHelp("Schedulers (default: every registered policy but dysta-hw; see 'dysta list').", valueName: "a,b"))
    var schedulers: String?
    @Option(help: ArgumentHelp("Offered loads ρ.", valueName: "l1,l2"))
    var loads: String = "0.5,0.95,1.5"
    @Option(help: ArgumentHelp("Request counts.", valueName: "n1,n2"))
    var requests: String = "10000,100000"
    @Option(help: "Skip the next larger count of a (policy, load) when a run took longer than this many seconds.")
    var skipAfter: Double = 2
    @Option(help: "Seed of the request streams.")
    var seed: UInt64 = 1
    @Option(help: "Run each configuration this many times and report the fastest (noisy machines: compare minima).")
    var `repeat`: Int = 1
    @Option(help: "Output format.")
    var format: ReportFormat = .table
    @Flag(help: "Scan every ready request at every decision (no fresh-request index): the reference the index is tested against.")
    var scanAll = false
    @OptionGroup(title: "dysta-hw (docs/hardware.md)") var hardwareOptions: HardwareOptions
    @Flag(help: "Time the paper's Fig. 14 grid of --workload (attention or cnn: 2 loads × 6 SLOs × 7 schedulers × 5 seeds × 1000 requests) on one thread, loading included, instead of the per-policy table.")
    var grid = false
    @OptionGroup(title: "Overload table (docs/performance.md)") var overloadOptions: OverloadBenchOptions

    static func peakResidentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
            let kilobytes = Double(line.split(separator: " ").dropFirst().first ?? "")
        else { return .nan }
        return kilobytes / 1024
    }

    /// The offered loads of `--flag` (positive numbers).
    static func parseLoads(_ text: String, flag: String) throws -> [Double] {
        try parseNumbers(text, flag: flag, valid: { $0 > 0 && $0.isFinite }, expected: "a positive number")
    }

    /// The request counts of `--flag` (positive integers), smallest first.
    static func parseCounts(_ text: String, flag: String) throws -> [Int] {
        try parseNumbers(text, flag: flag, valid: { $0 >= 1 && $0 == $0.rounded() && $0 < 1e9 }, expected: "a positive integer")
            .map { Int($0) }.sorted()
    }

    func run() throws {
        if grid { return try runGrid() }
        if overloadOptions.overload { return try runOverload() }
        let workload = try Benchmark.load(self.workload)
        let profile = try Registries.current.accelerators.make(workload.defaultAccelerator).profile(workload)
        let registry = try hardwareOptions.registry()
        let names = schedulers.map(parseList) ?? Registries.current.policies.defaultNames
        for name in names { _ = try registry.make(name) }
        let loadValues = try Self.parseLoads(loads, flag: "loads")
        let counts = try Self.parseCounts(requests, flag: "requests")
        let generator = RequestGenerator(profile: profile)
        let simulator = try Simulator(profile: profile, configuration: EngineConfiguration(indexesFreshRequests: !scanAll))
        let predictor = try Registries.current.predictors.make(RunDefaults.predictor, semantics: .default)
        guard self.repeat >= 1 else { throw DystaError("--repeat: \(self.repeat) is not a positive integer") }
        let header = ["scheduler", "load ρ", "requests", "seconds", "decisions/s", "requests/s", "max queue", "peak MB"]
        var table = TextTable(header: header)
        var csv = ["scheduler,load,requests,seconds,decisions_per_second,requests_per_second,max_queue,peak_mb"]
        var json: [JSONValue] = []
        for name in names {
            for load in loadValues {
                for count in counts {
                    let stream = try generator.poisson(rate: generator.rate(forLoad: load), count: count, sloMultiplier: RunDefaults.sloMultiplier, seed: seed)
                    var seconds = Double.infinity
                    var run: SimulationRun? = nil
                    for _ in 0..<self.repeat {
                        var policy = try registry.make(name)
                        let elapsed = try ContinuousClock().measure {
                            run = try simulator.run(stream, policy: &policy, predictor: predictor)
                        }
                        seconds = min(seconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
                    }
                    let decisions = Double(run?.decisions ?? 0)
                    let peak = Self.peakResidentMB()
                    let row = [
                        name, formatNumber(load), String(count), String(format: "%.3f", seconds),
                        String(format: "%.0f", decisions / seconds), String(format: "%.0f", Double(count) / seconds),
                        String(run?.maxReadyQueue ?? 0), String(format: "%.0f", peak),
                    ]
                    table.add(row)
                    csv.append(row.joined(separator: ","))
                    json.append(
                        .object([
                            ("scheduler", .string(name)), ("load", .number(load)), ("requests", .integer(count)),
                            ("seconds", .number(seconds)), ("decisions", .integer(run?.decisions ?? 0)),
                            ("decisions_per_second", .number(decisions / seconds)),
                            ("requests_per_second", .number(Double(count) / seconds)),
                            ("max_queue", .integer(run?.maxReadyQueue ?? 0)), ("peak_mb", .optional(peak)),
                        ]))
                    // Progress while the table is being built — only when the table goes elsewhere than the
                    // terminal (else every row would show twice).
                    if format == .table && isatty(STDOUT_FILENO) == 0 {
                        FileHandle.standardError.write(Data(("bench: " + row.joined(separator: "  ") + "\n").utf8))
                    }
                    if seconds > skipAfter { break }
                }
            }
        }
        let repeats = self.repeat > 1 ? ", fastest of \(self.repeat)" : ""
        let scan = scanAll ? ", scanning every ready request" : ""
        switch format {
        case .table:
            print("workload \(self.workload), seed \(seed), one thread\(repeats)\(scan)\n\n" + table.rendered(), terminator: "")
        case .csv:
            print(csv.joined(separator: "\n"))
        case .json:
            let settings: [(String, JSONValue)] = [
                ("workload", .string(self.workload)), ("seed", .integer(Int(seed))), ("repeat", .integer(self.repeat)),
                ("scan_all", .bool(scanAll)), ("runs", .array(json)),
            ]
            print(JSONValue.object(settings).rendered())
        }
    }

    /// `--grid`: the Fig. 14 grid of one workload, timed as `dysta sweep` would run it.
    func runGrid() throws {
        guard [Reproduction.attentionWorkload, Reproduction.cnnWorkload].contains(workload) else {
            throw DystaError("--grid: the Fig. 14 grid is defined for attention and cnn (got '\(workload)')")
        }
        guard self.repeat >= 1 else { throw DystaError("--repeat: \(self.repeat) is not a positive integer") }
        let grid = Reproduction.fig14Grid(workload: workload)
        var seconds = Double.infinity
        var runs = 0
        for _ in 0..<self.repeat {
            var result: [SweepRun] = []
            let elapsed = try ContinuousClock().measure { result = try Sweep(grid: grid, threads: 1).run() }
            seconds = min(seconds, Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
            runs = result.count
        }
        let peak = Self.peakResidentMB()
        let loads = (grid.loads ?? []).map(formatNumber).joined(separator: ",")
        switch format {
        case .table:
            var table = TextTable(header: ["workload", "loads ρ", "runs", "seconds", "runs/s", "peak MB"])
            table.add([workload, loads, String(runs), String(format: "%.3f", seconds), String(format: "%.0f", Double(runs) / seconds), String(format: "%.0f", peak)])
            let repeats = self.repeat > 1 ? ", fastest of \(self.repeat)" : ""
            print("Fig. 14 grid, one thread, loading included\(repeats)\n\n" + table.rendered(), terminator: "")
        case .csv:
            print("workload,loads,runs,seconds,runs_per_second,peak_mb")
            print("\(workload),\"\(loads)\",\(runs),\(seconds),\(Double(runs) / seconds),\(peak)")
        case .json:
            let value = JSONValue.object([
                ("workload", .string(workload)), ("loads", .array((grid.loads ?? []).map { .number($0) })),
                ("runs", .integer(runs)), ("seconds", .number(seconds)), ("repeat", .integer(self.repeat)),
                ("peak_mb", .optional(peak)),
            ])
            print(value.rendered())
        }
    }
}
