import DystaSweeps
import DystaAccelerators
import DystaBenchmark
import DystaCore
import DystaHardware
import DystaReports
import DystaScheduling
import DystaSimulation
import Foundation

/// The paper's experiments (docs/experiments.md) on the project's benchmark, with data, figures and a report.
///
/// Arrival rates: the paper's rates (attention 10–40 req/s, CNN 2–6 req/s) were chosen for its
/// own traces. This benchmark's latencies differ, so each paper rate is mapped to an offered
/// load that keeps the paper's ratios: attention ρ = rate / 40, CNN ρ = rate / 5 — the paper's
/// highest attention rate and its second-highest CNN rate become ρ = 1 (saturation).
public struct Reproduction: Sendable {
    /// The items `dysta reproduce` knows.
    public static let items = ["fig9", "table4", "fig12", "fig13", "fig14", "fig15", "hw", "beyond"]

    /// Rules for every simulation.
    public var semantics: Semantics
    /// Seeds (paper: 1–5).
    public var seeds: [UInt64] = [1, 2, 3, 4, 5]
    /// Requests per run (paper: 1000).
    public var requests = 1000
    /// Worker threads.
    public var threads: Int?
    /// Directory for data and figures.
    public var output: URL
    /// Write 300-dpi PNG and PDF copies with rsvg-convert when it is installed (not tracked in git).
    public var png = true

    /// The benchmark workloads used for the two accelerator families.
    public static let attentionWorkload = "attention"
    public static let cnnWorkload = "cnn"

    static let priorSchedulers = ["fcfs", "sjf", "prema", "planaria", "sdrm3"]
    static let comparedSchedulers = priorSchedulers + ["dysta"]
    static let withOracle = comparedSchedulers + ["dysta-oracle"]

    public init(semantics: Semantics, output: URL, threads: Int? = nil) {
        self.semantics = semantics
        self.output = output
        self.threads = threads
    }

    /// A paper rate's offered load on this benchmark.
    public static func load(paperRate: Double, workload: String) -> Double {
        workload == attentionWorkload ? paperRate / 40 : paperRate / 5
    }

    /// The SLO multipliers of Fig. 14.
    static let fig14SLOs: [Double] = [10, 25, 50, 75, 100, 150]

    /// The paper's two request rates (req/s) of Fig. 14 for a workload.
    static func fig14PaperRates(workload: String) -> [Double] {
        workload == attentionWorkload ? [30, 40] : [3, 4]
    }

    /// The paper's Fig. 14 grid for one shipped workload (`attention` or `cnn`): its two paper
    /// rates as loads × 6 SLO multipliers × the 7 compared schedulers × 5 seeds × 1000 requests.
    public static func fig14Grid(workload: String) -> SweepGrid {
        SweepGrid(
            workloads: [workload], loads: fig14PaperRates(workload: workload).map { load(paperRate: $0, workload: workload) },
            slos: fig14SLOs, schedulers: withOracle)
    }

    /// One produced file (relative to `output`) and the markdown describing the item.
    public struct Section: Sendable {
        public var item: String
        public var markdown: String
        public var files: [String]
        /// Dysta against the best prior scheduler at each point (fig14 only).
        public var comparisons: [HeadToHead] = []
        /// Predictor errors (table4 only).
        public var predictorRows: [PredictorStudy.Row] = []
        /// The hardware study's rows (hw only).
        public var hardwareRows: [HardwareStudy.Row] = []
    }

    /// Dysta and the best prior scheduler (per metric) at one point of the grid.
    public struct HeadToHead: Sendable {
        public var workload: String
        public var paperRate: Double
        public var slo: Double
        public var bestPriorViolation: Double
        public var dystaViolation: Double
        public var bestPriorANTT: Double
        public var dystaANTT: Double
    }

    func write(_ text: String, _ name: String) throws {
        let url = output.appendingPathComponent(name)
        do { try Data(text.utf8).write(to: url) } catch { throw DystaError("cannot write file", file: url.path) }
        if png && name.hasSuffix(".svg"), let converter = Self.rsvgConvert {
            // Print resolution: 300 dpi (the SVGs are laid out at 96 px per inch), and a PDF.
            for (format, arguments) in [("png", ["--zoom", "3.125"]), ("pdf", ["--format", "pdf"])] {
                let process = Process()
                process.executableURL = URL(fileURLWithPath: converter)
                process.arguments = arguments + ["-o", url.deletingPathExtension().appendingPathExtension(format).path, url.path]
                try? process.run()
                process.waitUntilExit()
            }
        }
    }

    static var rsvgConvert: String? {
        ["/usr/bin/rsvg-convert", "/usr/local/bin/rsvg-convert", "/opt/homebrew/bin/rsvg-convert"]
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Runs one item and returns its report section.
    public func run(_ item: String, progress: (@Sendable (Int, Int) -> Void)? = nil) throws -> Section {
        do {
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        } catch { throw DystaError("cannot create the output directory", file: output.path) }
        switch item {
        case "fig9": return try fig9()
        case "table4": return try table4()
        case "fig12": return try fig12(progress: progress)
        case "fig13": return try fig13(progress: progress)
        case "fig14": return try fig14(progress: progress)
        case "fig15": return try fig15(progress: progress)
        case "hw": return try hardwareStudy(progress: progress)
        case "beyond": return try beyond(progress: progress)
        default:
            throw DystaError("unknown item '\(item)' (known: \(Self.items.joined(separator: ", ")), all)")
        }
    }

    // MARK: sweeps

    func sweep(
        workload: String, paperRates: [Double], slos: [Double], schedulers: [String], progress: (@Sendable (Int, Int) -> Void)?
    ) throws -> [SweepRun] {
        let grid = SweepGrid(
            workloads: [workload], loads: paperRates.map { Self.load(paperRate: $0, workload: workload) }, slos: slos,
            schedulers: schedulers, seeds: seeds, requests: requests, semantics: semantics.rawValue)
        return try Sweep(grid: grid, threads: threads).run(progress: progress)
    }

    func saveRuns(_ runs: [SweepRun], _ name: String) throws -> [String] {
        try write(SweepOutput.summaryCSV(runs), name + "-summary.csv")
        try write(SweepOutput.runsCSV(runs), name + "-runs.csv")
        return [name + "-summary.csv", name + "-runs.csv"]
    }

    /// Summary of (scheduler, load, slo) → metric index → SeedSummary.
    typealias Summaries = [String: [SeedSummary]]
    static func key(_ scheduler: String, _ load: Double, _ slo: Double) -> String { "\(scheduler)|\(load)|\(slo)" }

    func summarize(_ runs: [SweepRun]) -> Summaries {
        var result: Summaries = [:]
        for (first, _, summaries) in SweepOutput.summaries(runs) {
            result[Self.key(first.cell.scheduler, first.cell.arrival, first.cell.slo)] = summaries
        }
        return result
    }

    static func percent(_ summary: SeedSummary) -> String { summary.formatted(scale: 100) }
    static func plain(_ summary: SeedSummary) -> String { summary.formatted() }

    static func workloadTitle(_ workload: String) -> String {
        workload == attentionWorkload ? "attention on Sanger" : "CNN on Eyeriss-V2"
    }

    static func figureLink(_ file: String, _ caption: String) -> String { "![\(caption)](FIGDIR/\(file))" }

    /// What the error bars of a figure are.
    var errorCaption: String {
        seeds.count >= 2
            ? "Mean over \(seeds.count) seeds; error bars: 95% confidence interval (Student t)."
            : "One seed: no error bars."
    }

    /// Said under a figure whose y axis is logarithmic (every ANTT figure but the bars of Fig. 13).
    static let logNote = " The ANTT axis is logarithmic."

    /// The caption of a line figure: its error bars, why its lines are shifted sideways and,
    /// for ANTT, that the axis is logarithmic.
    func linesCaption(logY: Bool) -> String {
        errorCaption + " Lines are shifted slightly sideways so that equal values stay visible." + (logY ? Self.logNote : "")
    }

    // MARK: fig12 — trade-off

    func fig12(progress: (@Sendable (Int, Int) -> Void)?) throws -> Section {
        var markdown = "Violation rate vs ANTT at SLO ×10 (Fig. 12), mean ± 95% CI over \(seeds.count) seeds.\n\n"
        var files: [String] = []
        for (workload, rates) in [(Self.attentionWorkload, [30.0, 40]), (Self.cnnWorkload, [3.0, 4])] {
            let runs = try sweep(workload: workload, paperRates: rates, slos: [10], schedulers: Self.comparedSchedulers, progress: progress)
            files += try saveRuns(runs, "fig12-\(workload)")
            let summaries = summarize(runs)
            for rate in rates {
                let load = Self.load(paperRate: rate, workload: workload)
                let series = Self.comparedSchedulers.map { scheduler -> PlotSeries in
                    let s = summaries[Self.key(scheduler, load, 10)]!
                    return PlotSeries(name: scheduler, points: [PlotPoint(x: (s[0].mean ?? 0) * 100, y: s[1].mean ?? 0, yError: s[1].halfWidth, xError: s[0].halfWidth.map { $0 * 100 })])
                }
                let name = "fig12-\(workload)-rate\(formatNumber(rate)).svg"
                try write(SVGPlot.scatter(title: "\(Self.workloadTitle(workload)), paper rate \(formatNumber(rate)) (ρ = \(formatNumber(load)))", xLabel: "SLO violation rate (%)", yLabel: "ANTT", series: series, logY: true, caption: errorCaption + " Hollow markers shrink with the legend order, so coinciding schedulers show as nested shapes." + Self.logNote), name)
                files.append(name)
                markdown += Self.figureLink(name, "Fig. 12 \(workload) rate \(formatNumber(rate))") + "\n\n"
                markdown += "| scheduler | violation % | ANTT |\n| --- | --- | --- |\n"
                for scheduler in Self.comparedSchedulers {
                    let s = summaries[Self.key(scheduler, load, 10)]!
                    markdown += "| \(scheduler) | \(Self.percent(s[0])) | \(Self.plain(s[1])) |\n"
                }
                markdown += "\n"
            }
        }
        return Section(item: "fig12", markdown: markdown, files: files)
    }

    // MARK: fig13 — effect of sparsity

    func fig13(progress: (@Sendable (Int, Int) -> Void)?) throws -> Section {
        let schedulers = ["prema", "dysta-naive", "dysta"]
        var byWorkload: [(String, Summaries, Double)] = []
        var files: [String] = []
        for (workload, rate) in [(Self.attentionWorkload, 30.0), (Self.cnnWorkload, 3.0)] {
            let runs = try sweep(workload: workload, paperRates: [rate], slos: [10], schedulers: schedulers, progress: progress)
            files += try saveRuns(runs, "fig13-\(workload)")
            byWorkload.append((workload, summarize(runs), Self.load(paperRate: rate, workload: workload)))
        }
        var markdown = "Effect of static and dynamic sparsity (Fig. 13): PREMA, Dysta without sparsity information (`dysta-naive`) and Dysta, SLO ×10.\n\n"
        for (metric, label, scale, name) in [(0, "SLO violation rate (%)", 100.0, "fig13-violation.svg"), (1, "ANTT", 1.0, "fig13-antt.svg")] {
            let series = schedulers.map { scheduler in
                PlotSeries(name: scheduler, points: byWorkload.enumerated().map { index, entry in
                    let s = entry.1[Self.key(scheduler, entry.2, 10)]![metric]
                    return PlotPoint(x: Double(index), y: (s.mean ?? 0) * scale, yError: s.halfWidth.map { $0 * scale })
                })
            }
            try write(SVGPlot.bars(title: "Effect of sparsity: \(label)", yLabel: label, categories: byWorkload.map { Self.workloadTitle($0.0) }, series: series, caption: errorCaption), name)
            files.append(name)
            markdown += Self.figureLink(name, label) + "\n\n"
        }
        markdown += "| workload | scheduler | violation % | ANTT |\n| --- | --- | --- | --- |\n"
        for (workload, summaries, load) in byWorkload {
            for scheduler in schedulers {
                let s = summaries[Self.key(scheduler, load, 10)]!
                markdown += "| \(workload) | \(scheduler) | \(Self.percent(s[0])) | \(Self.plain(s[1])) |\n"
            }
        }
        return Section(item: "fig13", markdown: markdown + "\n", files: files)
    }

    // MARK: fig14 / Table 5 — across SLOs

    func fig14(progress: (@Sendable (Int, Int) -> Void)?) throws -> Section {
        let slos = Self.fig14SLOs
        var markdown = "Across SLO multipliers (Fig. 14 and Table 5), mean ± 95% CI.\n\n"
        var files: [String] = []
        var comparisons: [HeadToHead] = []
        var headline = "| workload | paper rate (ρ) | SLO | best prior: violation % | Dysta violation % | best prior: ANTT | Dysta ANTT | ANTT ratio (prior / Dysta) |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for workload in [Self.attentionWorkload, Self.cnnWorkload] {
            let rates = Self.fig14PaperRates(workload: workload)
            let runs = try sweep(workload: workload, paperRates: rates, slos: slos, schedulers: Self.withOracle, progress: progress)
            files += try saveRuns(runs, "fig14-\(workload)")
            let summaries = summarize(runs)
            for rate in rates {
                let load = Self.load(paperRate: rate, workload: workload)
                for (metric, label, scale) in [(0, "SLO violation rate (%)", 100.0), (1, "ANTT", 1.0)] {
                    let series = Self.withOracle.map { scheduler in
                        PlotSeries(name: scheduler, points: slos.enumerated().map { index, slo in
                            let s = summaries[Self.key(scheduler, load, slo)]![metric]
                            return PlotPoint(x: Double(index), y: (s.mean ?? 0) * scale, yError: s.halfWidth.map { $0 * scale })
                        })
                    }
                    let name = "fig14-\(workload)-rate\(formatNumber(rate))-\(metric == 0 ? "violation" : "antt").svg"
                    try write(SVGPlot.lines(title: "\(Self.workloadTitle(workload)), paper rate \(formatNumber(rate)) (ρ = \(formatNumber(load)))", xLabel: "SLO multiplier", yLabel: label, series: series, xTickLabels: slos.map(formatNumber), categoricalX: slos.indices.map(Double.init), logY: metric == 1, caption: linesCaption(logY: metric == 1)), name)
                    files.append(name)
                    markdown += Self.figureLink(name, "Fig. 14 \(workload) \(label)") + "\n\n"
                }
                markdown += "Table 5 — \(Self.workloadTitle(workload)), paper rate \(formatNumber(rate)) (ρ = \(formatNumber(load))): violation % / ANTT\n\n"
                markdown += "| scheduler | " + slos.map { "SLO ×\(formatNumber($0))" }.joined(separator: " | ") + " |\n"
                markdown += "| --- |" + String(repeating: " --- |", count: slos.count) + "\n"
                for scheduler in Self.withOracle {
                    markdown += "| \(scheduler) | " + slos.map { slo in
                        let s = summaries[Self.key(scheduler, load, slo)]!
                        return String(format: "%.1f / %.2f", (s[0].mean ?? .nan) * 100, s[1].mean ?? .nan)
                    }.joined(separator: " | ") + " |\n"
                }
                markdown += "\n"
                for slo in slos {
                    let prior = Self.priorSchedulers.map { summaries[Self.key($0, load, slo)]! }
                    let dysta = summaries[Self.key("dysta", load, slo)]!
                    let bestViolation = prior.compactMap { $0[0].mean }.min() ?? .nan
                    let bestANTT = prior.compactMap { $0[1].mean }.min() ?? .nan
                    let dystaViolation = dysta[0].mean ?? .nan, dystaANTT = dysta[1].mean ?? .nan
                    comparisons.append(HeadToHead(workload: workload, paperRate: rate, slo: slo, bestPriorViolation: bestViolation, dystaViolation: dystaViolation, bestPriorANTT: bestANTT, dystaANTT: dystaANTT))
                    headline += "| \(workload) | \(formatNumber(rate)) (\(formatNumber(load))) | \(formatNumber(slo)) | "
                    headline += String(format: "%.2f | %.2f | %.3f | %.3f | %.2f× |\n", bestViolation * 100, dystaViolation * 100, bestANTT, dystaANTT, bestANTT / dystaANTT)
                }
            }
        }
        markdown += "Dysta against the best prior scheduler (the best of FCFS, SJF, PREMA, Planaria, SDRM3 for each metric separately, at each point):\n\n" + headline + "\n"
        return Section(item: "fig14", markdown: markdown, files: files, comparisons: comparisons)
    }

    // MARK: fig15 — across arrival rates

    func fig15(progress: (@Sendable (Int, Int) -> Void)?) throws -> Section {
        var markdown = "Across arrival rates at SLO ×10 (Fig. 15), mean ± 95% CI.\n\n"
        var files: [String] = []
        for (workload, rates) in [(Self.attentionWorkload, [10.0, 20, 30, 40]), (Self.cnnWorkload, [2.0, 3, 4, 5, 6])] {
            let runs = try sweep(workload: workload, paperRates: rates, slos: [10], schedulers: Self.withOracle, progress: progress)
            files += try saveRuns(runs, "fig15-\(workload)")
            let summaries = summarize(runs)
            for (metric, label, scale) in [(0, "SLO violation rate (%)", 100.0), (1, "ANTT", 1.0)] {
                let series = Self.withOracle.map { scheduler in
                    PlotSeries(name: scheduler, points: rates.enumerated().map { index, rate in
                        let s = summaries[Self.key(scheduler, Self.load(paperRate: rate, workload: workload), 10)]![metric]
                        return PlotPoint(x: Double(index), y: (s.mean ?? 0) * scale, yError: s.halfWidth.map { $0 * scale })
                    })
                }
                let name = "fig15-\(workload)-\(metric == 0 ? "violation" : "antt").svg"
                let ticks = rates.map { "\(formatNumber($0)) (ρ \(formatNumber(Self.load(paperRate: $0, workload: workload))))" }
                try write(SVGPlot.lines(title: "\(Self.workloadTitle(workload)), SLO ×10", xLabel: "paper arrival rate, req/s (offered load ρ)", yLabel: label, series: series, xTickLabels: ticks, categoricalX: rates.indices.map(Double.init), logY: metric == 1, caption: linesCaption(logY: metric == 1)), name)
                files.append(name)
                markdown += Self.figureLink(name, "Fig. 15 \(workload) \(label)") + "\n\n"
            }
        }
        return Section(item: "fig15", markdown: markdown, files: files)
    }

    // MARK: fig9 — layer-sparsity correlation

    /// What a Fig. 9 heat map shows, and why a row and column are grey when one is: Pearson r
    /// is undefined for a layer whose zero fraction is the same in every sample.
    static func fig9Caption(_ variant: ModelVariant, _ matrix: [[Double?]]) -> String {
        var caption = "Pearson r over \(variant.sampleCount) samples between the zero fractions of two layers' outputs."
        let constant = matrix.indices.filter { matrix[$0][$0] == nil }
        guard !constant.isEmpty else { return caption }
        let zero = variant.trace.values(.zeroFraction) ?? []
        let l = variant.layerCount
        let allZero = constant.allSatisfy { layer in (0..<variant.sampleCount).allSatisfy { zero[$0 * l + layer] == 0 } }
        let names = constant.map { $0 < variant.layers.count && !variant.layers[$0].name.isEmpty ? "\($0) \(variant.layers[$0].name)" : "\($0)" }
        caption += " Grey (undefined): layer\(constant.count == 1 ? "" : "s") \(names.joined(separator: ", ")) "
        caption += allZero
            ? "never output\(constant.count == 1 ? "s" : "") a zero (no ReLU after \(constant.count == 1 ? "it" : "them")), so \(constant.count == 1 ? "its" : "their") zero fraction does not vary and r is undefined."
            : "\(constant.count == 1 ? "has" : "have") the same zero fraction in every sample, so r is undefined."
        return caption
    }

    func fig9() throws -> Section {
        var markdown = "Correlation of layer sparsity (Fig. 9): Pearson r over samples between the zero fractions of every pair of layers.\n\n"
        var files: [String] = []
        var table = "| workload | model | layers | mean r of adjacent layers | mean r over all pairs |\n| --- | --- | --- | --- | --- |\n"
        for workloadName in [Self.attentionWorkload, "attention-fixed", Self.cnnWorkload] {
            let workload = try Benchmark.load(workloadName)
            for variant in workload.variants where variant.pattern == "dense" {
                let matrix = layerCorrelationMatrix(variant)
                let name = "fig9-\(workloadName)-\(variant.architecture).svg"
                try write(SVGPlot.heatmap(title: "\(variant.architecture) (\(workloadName))", matrix: matrix, axisLabel: "layer", caption: Self.fig9Caption(variant, matrix)), name)
                files.append(name)
                let l = variant.layerCount
                let adjacent = (0..<max(l - 1, 0)).compactMap { matrix[$0][$0 + 1] }
                var pairs: [Double] = []
                for i in 0..<l { for j in (i + 1)..<l { if let r = matrix[i][j] { pairs.append(r) } } }
                table += "| \(workloadName) | \(variant.architecture) | \(l) | "
                table += String(format: "%.3f | %.3f |\n", adjacent.reduce(0, +) / Double(max(adjacent.count, 1)), pairs.reduce(0, +) / Double(max(pairs.count, 1)))
                markdown += Self.figureLink(name, "Fig. 9 \(variant.architecture) \(workloadName)") + "\n"
            }
        }
        try write(table, "fig9-correlation.md")
        return Section(item: "fig9", markdown: markdown + "\n" + table + "\n", files: files + ["fig9-correlation.md"])
    }

    // MARK: table4 — predictor error

    func table4() throws -> Section {
        var csv = "workload,model,predictor,rmse,mean_relative_error,count\n"
        var allRows: [PredictorStudy.Row] = []
        var markdown = "Predictor error on held-out samples (Table 4): even samples build the tables, odd samples are predicted; remaining-latency estimate after each executed layer. `static` = the pattern-aware table without γ. RMSE in ms / mean relative error in %.\n\n"
        for workloadName in [Self.attentionWorkload, "attention-fixed", Self.cnnWorkload] {
            let rows = try PredictorStudy.run(workload: try Benchmark.load(workloadName), semantics: semantics)
            allRows += rows
            for row in rows {
                csv += "\(row.workload),\(row.model),\(row.predictor),\(formatNumber(row.rmse)),\(formatNumber(row.meanRelativeError)),\(row.count)\n"
            }
            markdown += "**\(workloadName)**\n\n| model | " + PredictorStudy.predictors.joined(separator: " | ") + " |\n"
            markdown += "| --- |" + String(repeating: " --- |", count: PredictorStudy.predictors.count) + "\n"
            var models: [String] = []
            for row in rows where !models.contains(row.model) { models.append(row.model) }
            for model in models {
                markdown += "| \(model) | " + PredictorStudy.predictors.map { predictor in
                    let row = rows.first { $0.model == model && $0.predictor == predictor }!
                    return String(format: "%.4f / %.2f", row.rmse * 1000, row.meanRelativeError * 100)
                }.joined(separator: " | ") + " |\n"
            }
            markdown += "\n"
        }
        try write(csv, "table4-predictors.csv")
        return Section(item: "table4", markdown: markdown, files: ["table4-predictors.csv"], predictorRows: allRows)
    }

    // MARK: hw — what the hardware level changes

    func hardwareStudy(progress: (@Sendable (Int, Int) -> Void)?) throws -> Section {
        var profiles: [String: WorkloadProfile] = [:]
        for name in [Self.attentionWorkload, Self.cnnWorkload] {
            let workload = try Benchmark.load(name)
            profiles[name] = try AcceleratorRegistry.standard.make(workload.defaultAccelerator).profile(workload)
        }
        let runs = try HardwareStudy.run(profiles: profiles, seeds: seeds, requests: requests, threads: threads, progress: progress)
        try write(HardwareStudy.runsCSV(runs), "hw-study-runs.csv")
        let rows = HardwareStudy.rows(runs)
        var csv = "workload,configuration,options,storage_bits,agreement,mean_violation_delta_pp,mean_antt_delta_percent,points_violation_worse_detectable,points_antt_worse_detectable,points_violation_worse_material,points_antt_worse_material,points,mean_decision_cycles,max_decision_cycles,charged_fraction\n"
        var markdown = """
            `dysta-hw` (docs/hardware.md) against float `dysta` on the Fig. 14 grid of each workload \
            (2 rates × 6 SLOs × \(seeds.count) seeds × \(requests) requests). *Agreement*: at every \
            decision of `dysta-hw`, float `dysta`'s choice from the same ready queue; the share of \
            identical choices. *Δ*: paired by seed (same request stream), hw − float, averaged over \
            the 12 points; *worse* counts the points where the 95% CI of the paired difference lies \
            entirely above zero (*detectable*) and entirely above a margin of 0.1 percentage point \
            of violation rate or 0.1% of ANTT (*material*). Decision cycles per decision; *charged*: decision time (the \
            cycles at each configuration's own measured clock, docs/hardware.md "Clock") as a share \
            of the accelerator's busy time. Options are over \
            the `w32` preset (mean γ, dysta score, parallel units, 64 slots, serial timing).


            """
        markdown += "| workload | configuration | storage (kbit) | agreement % | Δ violation (pp) | Δ ANTT % | points worse, detectable (viol. / ANTT) | points worse, material (viol. / ANTT) | cycles (mean / max) | charged % |\n"
        markdown += "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |\n"
        for row in rows {
            let variant = HardwareStudy.variants[row.variant]
            let bits = HardwareStudy.storageBits(try HardwareStudy.configuration(variant))
            csv += "\(row.workload),\"\(variant.label)\",\"\(variant.options)\",\(bits),\(formatNumber(row.agreement)),\(formatNumber(row.meanViolationDelta * 100)),\(formatNumber(row.meanANTTDelta * 100)),\(row.violationWorseStrict),\(row.anttWorseStrict),\(row.violationWorse),\(row.anttWorse),\(row.points),\(formatNumber(row.meanCycles)),\(row.maxCycles),\(formatNumber(row.chargedFraction))\n"
            markdown += "| \(row.workload) | \(variant.label) | " + String(format: "%.1f", Double(bits) / 1000) + " | "
            markdown += String(format: "%.2f | %+.3f | %+.3f | %d / %d of %d | %d / %d of %d | %.1f / %d | %.4f |\n", row.agreement * 100, row.meanViolationDelta * 100, row.meanANTTDelta * 100, row.violationWorseStrict, row.anttWorseStrict, row.points, row.violationWorse, row.anttWorse, row.points, row.meanCycles, row.maxCycles, row.chargedFraction * 100)
        }
        try write(csv, "hw-study-summary.csv")
        markdown += "\n"
        if let attention = rows.first(where: { $0.workload == Self.attentionWorkload && $0.variant == 0 }),
            let cnn = rows.first(where: { $0.workload == Self.cnnWorkload && $0.variant == 0 })
        {
            markdown += String(
                format: """
                    **Why attention agrees less.** The monitor counts non-zero outputs, and the hardware's \
                    γ is that count over the layer's mean count. An attention map has heads × length² \
                    entries, so the count also carries the sentence length, while float `dysta`'s γ is \
                    the density ratio alone. This is a property of a counting monitor, not of the number \
                    formats: at full width (`w32`) %.1f%% of attention decisions agree (CNN: %.2f%%, where \
                    the output size is fixed and both γ are the same ratio up to rounding). On this \
                    benchmark the count follows latency better than the density does (Table 4: the \
                    density-based γ points the wrong way), so `w32`'s ANTT on attention is %+.1f%% \
                    against float `dysta` on average, with single grid points going either way.


                    """, attention.agreement * 100, cnn.agreement * 100, attention.meanANTTDelta * 100)
        }
        var files = ["hw-study-runs.csv", "hw-study-summary.csv"]
        let labels = HardwareStudy.variants.map(\.label)
        for (name, title, label, value) in [
            ("hw-study-agreement.svg", "dysta-hw: decisions identical to float dysta", "agreement (%)", { (row: HardwareStudy.Row) in row.agreement * 100 }),
            ("hw-study-antt.svg", "dysta-hw: ANTT change against float dysta (mean over the grid)", "Δ ANTT (%)", { (row: HardwareStudy.Row) in row.meanANTTDelta * 100 }),
        ] {
            let series = [Self.attentionWorkload, Self.cnnWorkload].map { workload in
                PlotSeries(name: Self.workloadTitle(workload), points: rows.filter { $0.workload == workload }.map { row in
                    PlotPoint(x: Double(row.variant), y: value(row))
                })
            }
            try write(SVGPlot.bars(title: title, yLabel: label, categories: labels, series: series, caption: "Pooled over the Fig. 14 grid (2 rates × 6 SLOs × \(seeds.count) seeds); configurations over the w32 preset (docs/hardware.md)."), name)
            files.append(name)
            markdown += Self.figureLink(name, title) + "\n\n"
        }
        return Section(item: "hw", markdown: markdown, files: files, hardwareRows: rows)
    }
}
