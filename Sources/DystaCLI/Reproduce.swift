import ArgumentParser
import DystaCore
import DystaExperiments
import Foundation

/// `dysta reproduce`: the paper's experiments on the shipped benchmark.
struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Reproduce the paper's figures and tables (fig9, table4, fig12, fig13, fig14, fig15, all) on the shipped benchmark.",
        discussion: "Writes each item's data (CSV) and figures (SVG, plus PNG when rsvg-convert is installed) into --out; --report writes the results page.")

    @Argument(help: "fig9, table4, fig12, fig13, fig14, fig15 or all.")
    var item: String

    @Option(help: "Rules: default or artifact.")
    var semantics: Semantics = .default

    @Option(help: ArgumentHelp("Directory for data and figures.", valueName: "dir"))
    var out: String = "results"

    @Option(help: ArgumentHelp("Write the markdown results page here (figures linked relative to it).", valueName: "file"))
    var report: String?

    @Option(help: "Worker threads (default: all cores).")
    var threads: Int?

    @Option(help: ArgumentHelp("Seeds: a range (1-5) or a list (the paper: 1-5).", valueName: "seeds"))
    var seeds: String = RunDefaults.seedsText

    @Option(parsing: .unconditional, help: "Requests per run (the paper: 1000).")
    var requests: Int = RunDefaults.requests

    @Flag(help: "Do not write PNG copies of the figures.")
    var noPNG = false

    @OptionGroup(title: "Progress (stderr)") var progressOptions: ProgressOptions

    func run() throws {
        let items = item == "all" ? Reproduction.items : [item]
        guard items.allSatisfy(Reproduction.items.contains) else {
            throw DystaError("unknown item '\(item)' (known: \(Reproduction.items.joined(separator: ", ")), all)")
        }
        let output = URL(fileURLWithPath: out)
        var reproduction = Reproduction(semantics: semantics, output: output, threads: threads)
        reproduction.png = !noPNG
        reproduction.seeds = try parseSeeds(seeds)
        guard !reproduction.seeds.isEmpty else { throw DystaError("--seeds names no seed") }
        guard requests >= 1 else { throw DystaError("--requests must be at least 1 (got \(requests))") }
        reproduction.requests = requests
        try progressOptions.check()
        let progress = progressOptions.progress(items[0])
        let start = Date()
        var sections: [Reproduction.Section] = []
        for name in items {
            progress.restart(label: "reproduce \(name)")
            sections.append(try reproduction.run(name) { progress.update($0, $1) })
        }
        if let report {
            let reportURL = URL(fileURLWithPath: report)
            let relative = relativePath(from: reportURL.deletingLastPathComponent(), to: output)
            var command = "dysta reproduce \(item) --out \(out) --report \(report)"
            if semantics != .default { command += " --semantics \(semantics.rawValue)" }
            if seeds != RunDefaults.seedsText { command += " --seeds \(seeds)" }
            if requests != RunDefaults.requests { command += " --requests \(requests)" }
            let text = ResultsReport.markdown(
                sections: sections, command: command, semantics: semantics, figureDirectory: relative, seeds: reproduction.seeds,
                requests: reproduction.requests)
            try write(text, to: report)
        }
        let written = report.map { "; results in \(out), report \($0)" } ?? "; results in \(out)"
        progress.finish(
            "reproduce \(item): \(items.count) item\(items.count == 1 ? "" : "s") in \(Progress.duration(Date().timeIntervalSince(start)))\(written)")
    }

    /// A relative path from directory `base` to `target`.
    func relativePath(from base: URL, to target: URL) -> String {
        let from = base.standardizedFileURL.pathComponents
        let to = target.standardizedFileURL.pathComponents
        var common = 0
        while common < min(from.count, to.count) && from[common] == to[common] { common += 1 }
        let parts = Array(repeating: "..", count: from.count - common) + to[common...]
        return parts.isEmpty ? "." : parts.joined(separator: "/")
    }
}
