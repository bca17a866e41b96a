import DystaSweeps
import DystaParsing
import ArgumentParser
import DystaCore
import DystaExperiments
import Foundation

/// `dysta plot`: a figure from any sweep's tidy CSV output.
struct PlotCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plot",
        abstract: "Draw SVG figures from a sweep's CSV (summary.csv or runs.csv) by column names.",
        discussion: """
            One series per value of --series, one figure per value of --facet (written as \
            OUT-<value>.svg), rows filtered with --where column=value (repeatable). Error bars \
            come from the column <y>_ci95 when it exists (summary.csv). Schedulers keep the \
            colours and markers of 'dysta reproduce'.
            Example: dysta plot sweep-out/summary.csv --x load --y antt --series scheduler --facet slo --out antt
            """)

    @Argument(help: ArgumentHelp("CSV file (a sweep's summary.csv or runs.csv).", valueName: "file"))
    var file: String
    @Option(help: "Column of the x axis (its values become categories, numeric order when numeric).")
    var x: String
    @Option(help: "Column of the y axis.")
    var y: String
    @Option(help: "Column whose values make the series (default: one series).")
    var series: String?
    @Option(help: "Column whose values make separate figures.")
    var facet: String?
    @Option(name: .customLong("where"), help: ArgumentHelp("Keep rows whose column equals the value (repeatable).", valueName: "column=value"))
    var filters: [String] = []
    @Option(help: "Multiply y and its error by this factor (e.g. 100 for percent).")
    var yScale: Double = 1
    @Option(help: "Y axis: linear, log or auto (log when the positive values span more than 30×).")
    var yAxis: String = "auto"
    @Option(help: "Figure kind: lines or bars.")
    var kind: String = "lines"
    @Option(help: "Title (the facet value is appended).")
    var title: String?
    @Option(help: ArgumentHelp("Output file without extension: OUT.svg, or OUT-<facet>.svg per facet.", valueName: "path"))
    var out: String

    func run() throws {
        let parsedFilters = try filters.map { item -> (column: String, value: String) in
            let parts = item.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, !parts[0].isEmpty else { throw DystaError("--where '\(item)': expected column=value") }
            return (parts[0], parts[1])
        }
        let logY: Bool?
        switch yAxis {
        case "auto": logY = nil
        case "log": logY = true
        case "linear": logY = false
        default: throw DystaError("--y-axis must be linear, log or auto (got '\(yAxis)')")
        }
        guard let figureKind = SweepPlot.Kind(rawValue: kind) else { throw DystaError("--kind must be lines or bars (got '\(kind)')") }
        guard yScale.isFinite, yScale != 0 else { throw DystaError("--y-scale must be a finite, non-zero number") }
        let table = try CSVTable(contentsOf: URL(fileURLWithPath: file))
        let plot = SweepPlot(x: x, y: y, series: series, facet: facet, filters: parsedFilters, yScale: yScale, logY: logY, kind: figureKind, title: title)
        let figures = try plot.render(table)
        // Like sweep and reproduce, plot creates the folder it writes into.
        try createParentFolder(of: out)
        for (facetValue, svg) in figures {
            let safe = facetValue.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
            let path = facet == nil ? out + ".svg" : out + "-" + String(safe) + ".svg"
            try write(svg, to: path)
            print(path)
        }
    }
}
