import DystaSweeps
import DystaRegistries
import ArgumentParser
import DystaAccelerators
import DystaCore
import DystaExperiments
import DystaParsing
import DystaReports
import DystaScheduling
import DystaSimulation
import DystaTraces
import Foundation

/// `dysta simulate`: run schedulers on one workload and compare them.
struct Simulate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run schedulers on a workload and print a comparison of their metrics.",
        discussion: """
            Every scheduler sees the identical request stream of each seed. Without --traces the \
            shipped benchmark workload named by --workload is used. Times are in seconds unless \
            a column says otherwise.
            """)

    @OptionGroup var workloadOptions: WorkloadOptions

    @Option(help: ArgumentHelp("Comma-separated schedulers (default: every registered policy but dysta-hw; see 'dysta list').", valueName: "a,b,c"))
    var schedulers: String?

    @Option(parsing: .unconditional, help: "Poisson arrival rate in requests/s (default: 30 for attention workloads, 3 for CNN — the paper's Fig. 13 rates; see also --load).")
    var rate: Double?

    @Option(parsing: .unconditional, help: "Offered load ρ instead of a rate: rate = ρ × accelerators / mean isolated latency of a uniformly drawn variant.")
    var load: Double?

    @Option(parsing: .unconditional, help: "Number of requests per seed (default: \(RunDefaults.requests)).")
    var requests: Int?

    @Option(parsing: .unconditional, help: "SLO multiplier: target latency = multiplier × mean isolated latency of the request's architecture (default: \(formatNumber(RunDefaults.sloMultiplier))).")
    var slo: Double?

    @Option(help: ArgumentHelp("Seeds: a range (1-5) or a list (1,3,7); one request stream per seed (default: 1-5; with --replay the single seed 1, which only labels the run).", valueName: "seeds"))
    var seeds: String?

    @Option(help: "Rules: default (corrected) or artifact (the paper artifact's exact rules, bugs included); see docs/semantics.md.")
    var semantics: Semantics?

    @Option(help: "Sparsity predictor turning measured sparsity into γ (default: \(RunDefaults.predictor); see 'dysta list').")
    var predictor: String?

    @Option(parsing: .unconditional, help: "SDRM3 fairness weight α (default: \(formatNumber(RunDefaults.alpha))).")
    var alpha: Double?

    @Option(parsing: .unconditional, help: "Dysta weight β of urgency and preemption penalty (default: \(formatNumber(RunDefaults.beta))).")
    var beta: Double?

    @Option(parsing: .unconditional, help: "Number of identical accelerators sharing the ready queue (default: 1).")
    var accelerators: Int?

    @Option(help: "Deployment scenario: mobile, arvr or datacenter (sets workload, models, arrivals, SLO and accelerators; see docs/scenarios.md).")
    var scenario: String?

    @Option(parsing: .unconditional, help: "Context-switch cost in seconds, added when an accelerator changes request (default: 0).")
    var switchCost: Double?

    @Option(name: .customLong("run"), help: ArgumentHelp("Read the run's settings from this JSON file (as --print-run writes it; docs/file-formats.md); flags given too override them.", valueName: "file"))
    var runFile: String?

    @Flag(help: "Print the run's settings as JSON (every default filled in) and exit without running; 'dysta simulate --run FILE' runs it.")
    var printRun = false

    @Option(help: ArgumentHelp("Replay this request table (CSV: id,arrival,model,sample,priority,target; seconds) instead of generating requests. A replay is one stream: one run per scheduler, one seed, no interval.", valueName: "file"))
    var replay: String?

    @Option(help: ArgumentHelp("Write each seed's generated request table to this CSV file ({seed} in the name is replaced; required with several seeds).", valueName: "file"))
    var emitRequests: String?

    @Option(help: ArgumentHelp("Write one CSV row per request and scheduler (scheduler,seed,id,model,sample,priority,arrival,deadline,finish,isolated,violated).", valueName: "file"))
    var perRequest: String?

    @Flag(help: "Add one row per model variant under each scheduler.")
    var perModel = false

    @Option(help: ArgumentHelp(
        "Write what ran when: PREFIX-layers.csv (one row per layer: request, model, layer, accelerator, start, end, decision delay; seconds), PREFIX-requests.csv (per request: first start, finish, queueing delay in seconds; number of preemptions), PREFIX.perfetto.json (open in ui.perfetto.dev) and PREFIX-gantt.svg. With several schedulers or seeds the files are PREFIX-SCHEDULER-seedN-…; see docs/file-formats.md.",
        valueName: "prefix"))
    var timeline: String?

    @Option(help: ArgumentHelp("Gantt chart window in seconds of simulated time (default: the busiest 50 layers — of every 50 consecutive layers in start order, the stretch with the most distinct requests, the earliest of equals; the title gives the window in ms).", valueName: "start,end"))
    var timelineWindow: String?

    @Option(help: ArgumentHelp("Gantt chart rows: accelerator (default) or request (one row per request, with arrival and deadline marks).", valueName: "rows"))
    var timelineBy: GanttRows?

    @Option(help: "Worker threads for the (seed, scheduler) runs (default: all cores); the output does not depend on it.")
    var threads: Int?

    @OptionGroup(title: "Progress (stderr)") var progressOptions: ProgressOptions

    @OptionGroup var outputOptions: OutputOptions

    @OptionGroup(title: "dysta-hw (docs/hardware.md)") var hardwareOptions: HardwareOptions

    /// The run the flags describe (over --run FILE's), defaults not yet filled in.
    func description() throws -> RunDescription {
        var flags = RunDescription()
        flags.workload = workloadOptions.workload
        flags.traces = workloadOptions.traces
        flags.traceKind = workloadOptions.traceKind?.rawValue
        flags.accelerator = workloadOptions.accelerator
        if !workloadOptions.parameterOverrides.isEmpty {
            var parameters: [String: String] = [:]
            for (name, value) in try workloadOptions.parameterOverrides.flatMap({ try OptionList.parse($0, kind: "--set") }) {
                let key = name.trimmingCharacters(in: .whitespaces)
                guard parameters.updateValue(value.trimmingCharacters(in: .whitespaces), forKey: key) == nil else {
                    throw DystaError("--set '\(key)' is given twice")
                }
            }
            flags.acceleratorParameters = parameters
        }
        flags.seqLen = workloadOptions.seqLen
        flags.scenario = scenario
        flags.rate = rate
        flags.load = load
        flags.replay = replay
        flags.requests = requests
        flags.slo = slo
        flags.schedulers = schedulers.map(parseList)
        flags.seeds = try seeds.map(parseSeeds)
        flags.semantics = semantics?.rawValue
        flags.predictor = predictor
        flags.alpha = alpha
        flags.beta = beta
        flags.accelerators = accelerators
        flags.switchCost = switchCost
        flags.hardware = hardwareOptions.givenOptions
        guard let runFile else { return flags }
        return try RunDescription.read(URL(fileURLWithPath: runFile)).overlaid(with: flags)
    }

    func run() throws {
        let given = try description()
        if printRun {
            try outputOptions.emit(given.resolved().json())
            return
        }
        try simulate(given)
    }

    /// Runs `given` (a description whose absent settings take their defaults).
    func simulate(_ given: RunDescription) throws {
        var scenarioValue: Scenario? = nil
        if let scenario = given.scenario {
            let chosen = try Scenario.named(scenario)
            let conflicts = [
                ("workload", given.workload != nil), ("traces", given.traces != nil), ("rate", given.rate != nil),
                ("load", given.load != nil), ("slo", given.slo != nil), ("replay", given.replay != nil), ("accelerators", given.accelerators != nil),
            ].filter(\.1).map { "--" + $0.0 }
            if !conflicts.isEmpty {
                throw DystaError("--scenario \(scenario) sets \(conflicts.joined(separator: ", ")) itself; drop them")
            }
            scenarioValue = chosen
        }
        if given.replay != nil, let seeds = given.seeds, seeds.count > 1 {
            throw DystaError("--replay is one request stream: give one seed (--seeds N only labels the run) or leave --seeds out")
        }
        if given.replay != nil && (given.rate != nil || given.slo != nil || given.load != nil) {
            throw DystaError("--replay takes arrivals and targets from the file; drop --rate, --load and --slo")
        }
        if given.rate != nil && given.load != nil { throw DystaError("give --rate or --load, not both") }
        if given.traces != nil && given.workload != nil { throw DystaError("give --workload (a shipped workload) or --traces (a folder), not both") }
        let description = given.resolved()
        var workloadOptions = self.workloadOptions
        workloadOptions.workload = scenarioValue?.workload ?? given.workload
        workloadOptions.traces = description.traces
        if let kind = given.traceKind {
            guard let value = TraceKindOption(rawValue: kind) else { throw DystaError("--trace-kind '\(kind)' is not native, sanger or eyeriss") }
            workloadOptions.traceKind = value
        }
        workloadOptions.accelerator = description.accelerator
        workloadOptions.parameterOverrides = (description.acceleratorParameters ?? [:]).sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
        workloadOptions.seqLen = description.seqLen
        guard let semantics = Semantics(rawValue: description.semantics ?? "") else {
            throw DystaError("--semantics '\(description.semantics ?? "")' is not default or artifact")
        }
        let accelerators = scenarioValue?.accelerators ?? description.accelerators ?? RunDefaults.accelerators
        let requests = description.requests ?? RunDefaults.requests
        let switchCost = description.switchCost ?? RunDefaults.switchCost
        let predictor = description.predictor ?? RunDefaults.predictor
        let alpha = description.alpha ?? RunDefaults.alpha
        let beta = description.beta ?? RunDefaults.beta
        let workload = try workloadOptions.loadWorkload()
        let model = try workloadOptions.latencyModel(for: workload)
        let profile = try model.profile(workload)
        let schedulerNames = description.schedulers ?? Registries.current.policies.defaultNames
        let seedList = description.seeds ?? RunDefaults.seeds
        if let threads, threads < 1 { throw DystaError("--threads must be at least 1 (got \(threads))") }
        try progressOptions.check()
        let engine = EngineConfiguration(semantics: semantics, accelerators: accelerators, switchCost: switchCost)
        let source: RequestSource
        let replay = description.replay
        if let scenarioValue {
            let count = requests
            source = .generated { seed in
                try scenarioValue.requests(profile: profile, semantics: semantics, count: count, seed: seed)
            }
        } else if let replay {
            source = .replay(try RequestTableFile.read(URL(fileURLWithPath: replay), profile: profile))
        } else {
            var chosenRate = description.rate ?? RunDefaults.rate(for: workload.kind)
            if let load = description.load {
                guard load > 0, load.isFinite else { throw DystaError("--load must be a positive number (got \(load))") }
                chosenRate = RequestGenerator(profile: profile).rate(forLoad: load, accelerators: accelerators)
            }
            source = .poisson(rate: chosenRate, count: requests, sloMultiplier: description.slo ?? RunDefaults.sloMultiplier)
        }
        if let emitRequests, seedList.count > 1, !emitRequests.contains("{seed}") {
            throw DystaError("--emit-requests: with several seeds the file name needs a {seed} placeholder")
        }
        var comparison = Comparison(
            profile: profile, schedulers: schedulerNames, parameters: PolicyParameters(alpha: alpha, beta: beta),
            predictor: predictor, engine: engine, seeds: seedList, source: source)
        comparison.policies = try HardwareOptions.registry(description.hardware)
        comparison.predictors = Registries.current.predictors
        if let threads { comparison.threads = threads }
        try comparison.validate()
        let timelineFiles = try TimelineFiles(
            prefix: timeline, window: timelineWindow, rows: timelineBy,
            names: TimelineNames(variants: profile.variants.map(\.name), layers: workload.variants.map { $0.layers.map(\.name) }),
            schedulers: schedulerNames, seeds: seedList)
        comparison.recordsTimeline = timelineFiles != nil

        var settings: [(String, String)] = [
            ("workload", "\(workloadOptions.workloadLabel): \(profile.variants.count) models"),
            ("accelerator", describeModel(model)),
        ]
        switch source {
        case .poisson(let rate, let count, let slo):
            settings.append(("requests", "\(count) per seed, Poisson \(String(format: "%.4g", rate)) req/s, SLO ×\(formatNumber(slo))"))
            if let load = comparison.offeredLoad { settings.append(("offered load ρ", String(format: "%.3f", load))) }
        case .replay(let table):
            settings.append(("requests", "\(table.count) replayed from \(replay ?? "")"))
        case .generated:
            if let scenarioValue {
                settings.append(("scenario", "\(scenarioValue.name): \(scenarioValue.summary)"))
                settings.append(("requests", "\(requests) per seed"))
                settings.append(("offered load ρ", String(format: "%.3f", try scenarioValue.offeredLoad(profile: profile, semantics: semantics))))
            }
        }
        let seedText = seedList.map(String.init).joined(separator: ",")
        settings += [
            ("seeds", replay == nil ? seedText : "\(seedText) (a replay is one stream: one run per scheduler, no confidence interval)"),
            ("semantics", semantics.rawValue), ("predictor", predictor),
            ("alpha", formatNumber(alpha)), ("beta", formatNumber(beta)),
            ("accelerators", String(accelerators)), ("switch cost (s)", formatNumber(switchCost)),
        ]
        var report = ComparisonReport(
            settings: settings, schedulers: schedulerNames, variantNames: profile.variants.map(\.name), perModel: perModel)
        var parameters: [(String, JSONValue)] = [
            ("workload", .string(workloadOptions.workloadLabel)), ("models", .integer(profile.variants.count)),
            ("accelerator", .string(model.name)),
        ]
        switch source {
        case .poisson(let rate, let count, let slo):
            parameters += [("arrivals", .string("poisson")), ("rate_per_second", .number(rate)), ("requests_per_seed", .integer(count)), ("slo_multiplier", .number(slo))]
            if let load = comparison.offeredLoad { parameters.append(("offered_load", .number(load))) }
        case .replay(let table):
            parameters += [("arrivals", .string("replay")), ("replay_file", .string(replay ?? "")), ("requests_per_seed", .integer(table.count))]
        case .generated:
            if let scenarioValue {
                parameters += [("arrivals", .string("scenario")), ("scenario", .string(scenarioValue.name)), ("requests_per_seed", .integer(requests))]
            }
        }
        parameters += [
            ("seeds", .array(seedList.map { .integer(Int($0)) })), ("semantics", .string(semantics.rawValue)), ("predictor", .string(predictor)),
            ("alpha", .number(alpha)), ("beta", .number(beta)), ("accelerators", .integer(accelerators)), ("switch_cost_seconds", .number(switchCost)),
            ("schedulers", .array(schedulerNames.map { .string($0) })),
            // The whole run as one value: 'dysta simulate --run' and dysta.simulate take it back.
            ("run", .raw(description.compactJSON())),
        ]
        report.parameters = parameters
        let perRequestSink = try perRequest.map { try FileSink(path: $0) }
        perRequestSink?.write(PerRequestCSV.header)
        var emittedSeeds = Set<UInt64>()
        let names = profile.variants.map(\.name)
        let progress = progressOptions.progress("simulate")
        let start = Date()
        try comparison.run(progress: { progress.update($0, $1) }) { outcome, stream in
            report.add(outcome)
            perRequestSink?.write(PerRequestCSV.rows(outcome, variantNames: names))
            try timelineFiles?.write(outcome)
            if let emitRequests, emittedSeeds.insert(outcome.seed).inserted {
                let path = emitRequests.replacingOccurrences(of: "{seed}", with: String(outcome.seed))
                try write(RequestTableFile.csv(stream, variantNames: names), to: path)
            }
        }
        perRequestSink?.close()
        try outputOptions.emit(report.rendered(outputOptions.format))
        // A CSV file gets its settings beside it (a CSV has no place for them).
        if outputOptions.format == .csv, let path = outputOptions.output, path != "-" {
            try write(report.settingsJSON(), to: path + ".settings.json")
        }
        if progress.shown {
            let runs = seedList.count * schedulerNames.count
            progress.finish("simulate: \(runs) runs in \(Progress.duration(Date().timeIntervalSince(start)))")
        }
    }
}

extension Semantics: ExpressibleByArgument {}
extension ReportFormat: ExpressibleByArgument {}
