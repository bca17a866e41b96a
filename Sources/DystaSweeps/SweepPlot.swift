import DystaParsing
import DystaCore
import DystaReports
import Foundation

/// A figure of any tidy CSV (a sweep's `summary.csv` or `runs.csv`, the hardware study's CSVs):
/// `x` and `y` columns, one series per value of the `series` column, one figure per value of
/// the `facet` column, rows filtered by `where` (`column=value`). Error bars come from the
/// column `<y>_ci95` when it exists. Drawn with the same styles as `dysta reproduce`.
public struct SweepPlot: Sendable {
    /// Column of the x axis.
    public var x: String
    /// Column of the y axis.
    public var y: String
    /// Column whose values make the series (nil: one series).
    public var series: String?
    /// Column whose values make separate figures (nil: one figure).
    public var facet: String?
    /// Row filters `column = value` (all must hold).
    public var filters: [(column: String, value: String)]
    /// Multiply y (and its error) by this (e.g. 100 for percent).
    public var yScale: Double
    /// Log y axis: true, false, or nil to choose by the data's range.
    public var logY: Bool?
    /// Figure kind.
    public var kind: Kind
    /// Title prefix (facet value appended).
    public var title: String?

    /// Figure kinds.
    public enum Kind: String, Sendable, CaseIterable {
        /// Lines over x (x values as categories, in order of first appearance or numeric).
        case lines
        /// Grouped bars, one group per x value.
        case bars
    }

    /// Creates a plot description.
    public init(
        x: String, y: String, series: String? = nil, facet: String? = nil, filters: [(column: String, value: String)] = [],
        yScale: Double = 1, logY: Bool? = nil, kind: Kind = .lines, title: String? = nil
    ) {
        self.x = x
        self.y = y
        self.series = series
        self.facet = facet
        self.filters = filters
        self.yScale = yScale
        self.logY = logY
        self.kind = kind
        self.title = title
    }

    /// The figures (facet value or "" → SVG text) of `table`; errors name the file and column.
    public func render(_ table: CSVTable) throws -> [(facet: String, svg: String)] {
        let xColumn = try table.requiredColumn(x)
        let yColumn = try table.requiredColumn(y)
        let errorColumn = table.optionalColumn(y + "_ci95")
        let seriesColumn = try series.map { try table.requiredColumn($0) }
        let facetColumn = try facet.map { try table.requiredColumn($0) }
        let filterColumns = try filters.map { (try table.requiredColumn($0.column), $0.value) }
        var facets: [String] = []
        var rowsByFacet: [String: [Int]] = [:]
        for row in 0..<table.rowCount where filterColumns.allSatisfy({ table[row: row, column: $0.0] == $0.1 }) {
            let key = facetColumn.map { table[row: row, column: $0] } ?? ""
            if rowsByFacet[key] == nil { facets.append(key) }
            rowsByFacet[key, default: []].append(row)
        }
        guard !facets.isEmpty else { throw DystaError("no row matches the filters", file: table.path) }
        /// The series names of `rows`, in order of first appearance.
        func seriesNames(_ rows: [Int]) -> [String] {
            var names: [String] = []
            for row in rows {
                let name = seriesColumn.map { table[row: row, column: $0] } ?? y
                if !names.contains(name) { names.append(name) }
            }
            return names
        }
        // One style per series name over all facets, so a series looks the same in each figure.
        let allNames = seriesNames(facets.flatMap { rowsByFacet[$0]! })
        let styleOf = Dictionary(uniqueKeysWithValues: zip(allNames, SVGPlot.styles(for: allNames)))
        var figures: [(String, String)] = []
        for facetValue in facets {
            let rows = rowsByFacet[facetValue]!
            // x categories: numeric order when every value is a number, else first appearance.
            var xValues: [String] = []
            for row in rows where !xValues.contains(table[row: row, column: xColumn]) { xValues.append(table[row: row, column: xColumn]) }
            if xValues.allSatisfy({ Double($0) != nil }) { xValues.sort { Double($0)! < Double($1)! } }
            var plotted: [PlotSeries] = []
            for name in seriesNames(rows) {
                var points: [PlotPoint] = []
                for row in rows where (seriesColumn.map { table[row: row, column: $0] } ?? y) == name {
                    let value = try table.number(row: row, column: yColumn) * yScale
                    let error = try errorColumn.flatMap { column -> Double? in
                        let text = table[row: row, column: column]
                        return text.isEmpty ? nil : try table.number(row: row, column: column) * yScale
                    }
                    let position = Double(xValues.firstIndex(of: table[row: row, column: xColumn])!)
                    if points.contains(where: { $0.x == position }) {
                        throw DystaError(
                            "several rows give \(name) at \(x) = \(table[row: row, column: xColumn]) (line \(table.lineNumbers[row])): filter with --where or split with --facet",
                            file: table.path)
                    }
                    points.append(PlotPoint(x: position, y: value, yError: error))
                }
                plotted.append(PlotSeries(name: name, points: points.sorted { $0.x < $1.x }))
            }
            let heading = [title, facetValue.isEmpty ? nil : "\(facet ?? ""): \(facetValue)"].compactMap { $0 }.joined(separator: " — ")
            let caption = errorColumn != nil ? "Error bars: the 95% confidence interval of column \(y)_ci95." : nil
            let label = y + (yScale != 1 ? " × \(formatNumber(yScale))" : "")
            switch kind {
            case .lines:
                figures.append((facetValue, SVGPlot.lines(
                    title: heading.isEmpty ? "\(y) by \(x)" : heading, xLabel: x, yLabel: label, series: plotted, xTickLabels: xValues,
                    categoricalX: xValues.indices.map(Double.init), logY: logY, caption: caption, styles: plotted.map { styleOf[$0.name]! })))
            case .bars:
                figures.append((facetValue, SVGPlot.bars(
                    title: heading.isEmpty ? "\(y) by \(x)" : heading, yLabel: label, categories: xValues, series: plotted, caption: caption,
                    styles: plotted.map { styleOf[$0.name]! })))
            }
        }
        return figures
    }
}
