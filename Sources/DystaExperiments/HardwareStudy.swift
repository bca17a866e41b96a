import DystaParsing
import DystaCore
import DystaHardware
import DystaReports
import DystaScheduling
import DystaSimulation
import Foundation

/// What the hardware level changes: `dysta-hw` in several configurations against float `dysta`
/// on the paper's Fig. 14 grid of both shipped workloads (docs/hardware.md, "What it changes").
public enum HardwareStudy {
    /// One configuration of the study.
    public struct Variant: Sendable {
        /// Short label.
        public var label: String
        /// The options over the `w32` preset, as in `dysta-hw[…]`.
        public var options: String
    }

    /// The configurations compared (options over `w32`: mean γ, dysta score, parallel units, 64 slots, serial timing).
    public static let variants: [Variant] = [
        Variant(label: "w32", options: ""),
        Variant(label: "w16", options: "preset=w16"),
        Variant(label: "w32 γ last", options: "gamma_rule=last"),
        Variant(label: "w16 γ last", options: "preset=w16,gamma_rule=last"),
        Variant(label: "w32 paper score", options: "score_rule=paper"),
        Variant(label: "paper RTL rules", options: "gamma_rule=last,score_rule=paper"),
        Variant(label: "16 slots", options: "depth_log2=4"),
        Variant(label: "512 slots", options: "depth_log2=9"),
        Variant(label: "shared units", options: "units=shared"),
        Variant(label: "overlapped", options: "timing=overlapped"),
        Variant(label: "w16 shared 16 slots", options: "preset=w16,units=shared,depth_log2=4"),
    ]

    /// One simulated run.
    public struct Run: Sendable {
        public var workload: String
        public var load: Double
        public var slo: Double
        public var seed: UInt64
        /// Index into ``variants``; −1 for float `dysta`.
        public var variant: Int
        public var violationRate: Double
        public var antt: Double
        public var statistics: DystaHardwarePolicy.Statistics?
        /// Total busy time of the accelerator (s): Σ of layer latencies plus charged decisions.
        public var busySeconds: Double
    }

    /// Storage bits of a configuration: request slots and tables (docs/hardware.md, "Storage").
    public static func storageBits(_ configuration: HardwareConfiguration) -> Int {
        let slot =
            configuration.variantBits + configuration.layerBits + configuration.gammaBits
            + (configuration.gammaRule == .mean ? configuration.sumBits : 0) + 2 * configuration.timeBits + configuration.scoreBits
        let tableEntries = configuration.maxVariants * configuration.maxLayers
        let tables =
            tableEntries * (configuration.scoreBits + 16 + 6) + configuration.maxVariants * (32 + configuration.layerBits + 1)
            + configuration.depth * 17 + configuration.maxLayers * 17 + 24
        return configuration.depth * slot + tables
    }

    /// The configuration of a variant.
    public static func configuration(_ variant: Variant) throws -> HardwareConfiguration {
        try HardwareConfiguration.w32.applying(try HardwareConfiguration.parseOptionList(variant.options))
    }

    /// Runs the study on the Fig. 14 grid of both workloads; results in a fixed order.
    public static func run(
        profiles: [String: WorkloadProfile], seeds: [UInt64], requests: Int, threads: Int?,
        progress: (@Sendable (Int, Int) -> Void)? = nil
    ) throws -> [Run] {
        struct Job: Sendable {
            var workload: String
            var load: Double
            var slo: Double
            var seed: UInt64
            var variant: Int
        }
        var jobs: [Job] = []
        for workload in [Reproduction.attentionWorkload, Reproduction.cnnWorkload] {
            for rate in Reproduction.fig14PaperRates(workload: workload) {
                for slo in Reproduction.fig14SLOs {
                    for seed in seeds {
                        for variant in -1..<variants.count {
                            jobs.append(Job(workload: workload, load: Reproduction.load(paperRate: rate, workload: workload), slo: slo, seed: seed, variant: variant))
                        }
                    }
                }
            }
        }
        let configurations = try variants.map(configuration)
        let slots = ResultBuffer<Run>(count: jobs.count)
        let next = AtomicCounter()
        let done = AtomicCounter()
        let workers = max(1, min(threads ?? ProcessInfo.processInfo.activeProcessorCount, jobs.count))
        let allJobs = jobs
        runOnThreads(workers) { _ in
            while true {
                let index = next.increment() - 1
                guard index < allJobs.count else { return }
                let job = allJobs[index]
                slots.set(index, Result {
                    let profile = profiles[job.workload]!
                    let generator = RequestGenerator(profile: profile)
                    let stream = try generator.poisson(rate: generator.rate(forLoad: job.load), count: requests, sloMultiplier: job.slo, seed: job.seed)
                    let predictor = try PredictorRegistry.standard.make("avg-ratio", semantics: .default)
                    let simulator = try Simulator(profile: profile)
                    var statistics: DystaHardwarePolicy.Statistics? = nil
                    let simulation: SimulationRun
                    if job.variant < 0 {
                        var policy = DystaPolicy(form: .full, beta: 0.01)
                        simulation = try simulator.run(stream, policy: &policy, predictor: predictor)
                    } else {
                        var policy = DystaHardwarePolicy(configuration: configurations[job.variant], beta: 0.01)
                        simulation = try simulator.run(stream, policy: &policy, predictor: predictor)
                        statistics = policy.statistics
                    }
                    let metrics = RunMetrics(simulation.requests)
                    var busy = statistics?.chargedSeconds ?? 0
                    for request in simulation.requests { busy += request.isolated }
                    return Run(
                        workload: job.workload, load: job.load, slo: job.slo, seed: job.seed, variant: job.variant,
                        violationRate: metrics.violationRate ?? .nan, antt: metrics.antt ?? .nan, statistics: statistics, busySeconds: busy)
                })
                progress?(done.increment(), allJobs.count)
            }
        }
        return try slots.taken().map { try $0.get() }
    }

    /// Smallest violation-rate loss counted as material: 0.1 percentage points.
    public static let violationMargin = 0.001
    /// Smallest relative ANTT loss counted as material: 0.1%.
    public static let anttMargin = 0.001

    /// One row of the summary: a configuration on one workload against float `dysta`.
    public struct Row: Sendable {
        public var workload: String
        public var variant: Int
        /// Fraction of decisions where float `dysta` picks the same request.
        public var agreement: Double
        /// Per grid point: the paired (same seed) differences hw − float, summarised over seeds.
        public var violationDelta: [SeedSummary]
        public var anttRelativeDelta: [SeedSummary]
        /// Grid points where the 95% CI of the difference lies above zero (any detectable loss).
        public var violationWorseStrict: Int
        public var anttWorseStrict: Int
        /// Grid points where the 95% CI lies above the materiality margin (``violationMargin``,
        /// ``anttMargin``): a loss that is both detectable and large enough to matter.
        public var violationWorse: Int
        public var anttWorse: Int
        public var points: Int
        public var meanCycles: Double
        public var maxCycles: Int
        /// Charged decision time as a fraction of busy time.
        public var chargedFraction: Double
        public var meanViolationDelta: Double { violationDelta.compactMap(\.mean).reduce(0, +) / Double(max(points, 1)) }
        public var meanANTTDelta: Double { anttRelativeDelta.compactMap(\.mean).reduce(0, +) / Double(max(points, 1)) }
        public var losesNothing: Bool { violationWorse == 0 && anttWorse == 0 }
    }

    /// Summarises the runs per (workload, configuration).
    public static func rows(_ runs: [Run]) -> [Row] {
        var baseline: [String: Run] = [:]
        func key(_ run: Run) -> String { "\(run.workload)|\(run.load)|\(run.slo)|\(run.seed)" }
        for run in runs where run.variant < 0 { baseline[key(run)] = run }
        var rows: [Row] = []
        for workload in [Reproduction.attentionWorkload, Reproduction.cnnWorkload] {
            for variant in variants.indices {
                let mine = runs.filter { $0.workload == workload && $0.variant == variant }
                guard !mine.isEmpty else { continue }
                var points: [String] = []
                for run in mine where !points.contains("\(run.load)|\(run.slo)") { points.append("\(run.load)|\(run.slo)") }
                var violation: [SeedSummary] = []
                var antt: [SeedSummary] = []
                for point in points {
                    let atPoint = mine.filter { "\($0.load)|\($0.slo)" == point }
                    violation.append(SeedSummary(atPoint.map { $0.violationRate - baseline[key($0)]!.violationRate }))
                    antt.append(SeedSummary(atPoint.map { $0.antt / baseline[key($0)]!.antt - 1 }))
                }
                func worse(_ summaries: [SeedSummary], above margin: Double) -> Int {
                    summaries.filter { ($0.mean ?? 0) - ($0.halfWidth ?? 0) > margin }.count
                }
                let decisions = mine.reduce(0) { $0 + ($1.statistics?.decisions ?? 0) }
                let agreements = mine.reduce(0) { $0 + ($1.statistics?.agreements ?? 0) }
                let cycles = mine.reduce(0) { $0 + ($1.statistics?.decisionCycles ?? 0) }
                let charged = mine.reduce(0.0) { $0 + ($1.statistics?.chargedSeconds ?? 0) }
                let busy = mine.reduce(0.0) { $0 + $1.busySeconds }
                rows.append(
                    Row(
                        workload: workload, variant: variant, agreement: Double(agreements) / Double(max(decisions, 1)),
                        violationDelta: violation, anttRelativeDelta: antt, violationWorseStrict: worse(violation, above: 1e-12), anttWorseStrict: worse(antt, above: 1e-12),
                        violationWorse: worse(violation, above: violationMargin), anttWorse: worse(antt, above: anttMargin),
                        points: points.count, meanCycles: Double(cycles) / Double(max(decisions, 1)),
                        maxCycles: mine.map { $0.statistics?.maxDecisionCycles ?? 0 }.max() ?? 0, chargedFraction: charged / busy))
            }
        }
        return rows
    }

    /// The runs as CSV (one row per run).
    public static func runsCSV(_ runs: [Run]) -> String {
        var text = "workload,load,slo,seed,scheduler,violation_rate,antt,decisions,agreements,decision_cycles,max_decision_cycles,charged_seconds,max_fifo\n"
        for run in runs {
            let name = run.variant < 0 ? "dysta" : "dysta-hw[\(variants[run.variant].options)]"
            text += "\(run.workload),\(formatNumber(run.load)),\(formatNumber(run.slo)),\(run.seed),\"\(name)\",\(formatNumber(run.violationRate)),\(formatNumber(run.antt))"
            if let s = run.statistics {
                text += ",\(s.decisions),\(s.agreements),\(s.decisionCycles),\(s.maxDecisionCycles),\(formatNumber(s.chargedSeconds)),\(s.maxFIFO)\n"
            } else {
                text += ",,,,,,\n"
            }
        }
        return text
    }
}

