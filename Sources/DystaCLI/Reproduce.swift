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

    @Flag(help: "Do not write PNG copies of the figures.")
    var noPNG = false

    @Flag(help: "No progress bar.")
    var quiet = false

    func run() throws {
        let items = item == "all" ? Reproduction.items : [item]
        guard items.allSatisfy(Reproduction.items.contains) else {
            throw DystaError("unknown item '\(item)' (known: \(Reproduction.items.joined(separator: ", ")), all)")
        }
        let output = URL(fileURLWithPath: out)
        var reproduction = Reproduction(semantics: semantics, output: output, threads: threads)
        reproduction.png = !noPNG
        let bar = ProgressBar(quiet: quiet)
        let start = Date()
        var sections: [Reproduction.Section] = []
        for name in items {
            if bar.enabled { FileHandle.standardError.write(Data("\(name)\n".utf8)) }
            sections.append(try reproduction.run(name) { bar.update($0, $1) })
        }
        if let report {
            let reportURL = URL(fileURLWithPath: report)
            let relative = relativePath(from: reportURL.deletingLastPathComponent(), to: output)
            var command = "dysta reproduce \(item) --out \(out) --report \(report)"
            if semantics != .default { command += " --semantics \(semantics.rawValue)" }
            let text = ResultsReport.markdown(sections: sections, command: command, semantics: semantics, figureDirectory: relative)
            try write(text, to: report)
        }
        if !quiet {
            FileHandle.standardError.write(Data(String(format: "done in %.1f s\n", Date().timeIntervalSince(start)).utf8))
        }
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
