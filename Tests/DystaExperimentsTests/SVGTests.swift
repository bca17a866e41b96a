import DystaSweeps
import DystaParsing
import DystaCore
import DystaExperiments
import DystaReports
import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Collects element names and series names while parsing an SVG.
final class SVGInspector: NSObject, XMLParserDelegate {
    var elements: [String: Int] = [:]
    var seriesNames: [String] = []
    var texts: [String] = []
    /// Elements drawn inside a series group (markers, lines, error bars, bars).
    var seriesElements: [String: Int] = [:]
    var current = ""
    var inSeries = false
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        if inSeries { seriesElements[name, default: 0] += 1 }
        if name == "g", let series = attributes["data-name"] {
            seriesNames.append(series)
            inSeries = true
        }
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
        if name == "g" { inSeries = false }
    }

    /// Parses; returns nil when the text is not well-formed XML.
    static func inspect(_ svg: String) -> SVGInspector? {
        let parser = XMLParser(data: Data(svg.utf8))
        let inspector = SVGInspector()
        parser.delegate = inspector
        // swift-corelibs-foundation can return true from parse() and still report an error
        // (e.g. an unclosed element): check both.
        return parser.parse() && parser.parserError == nil ? inspector : nil
    }
}

@Suite("SVG figures")
struct SVGTests {
    let series = [
        PlotSeries(name: "fcfs", points: [PlotPoint(x: 0, y: 0.5, yError: 0.1), PlotPoint(x: 1, y: 0.7, yError: 0.05)]),
        PlotSeries(name: "dysta <&> \"β\"", points: [PlotPoint(x: 0, y: 0.2), PlotPoint(x: 1, y: 0.3, yError: 0.02)]),
    ]

    @Test func linePlotIsWellFormedWithSeriesLabelsAndErrorBars() throws {
        let svg = SVGPlot.lines(title: "T", xLabel: "SLO multiplier", yLabel: "ANTT", series: series, xTickLabels: ["10", "25"], categoricalX: [0, 1])
        let inspector = try #require(SVGInspector.inspect(svg))
        #expect(inspector.seriesNames == ["fcfs", "dysta <&> \"β\""])
        #expect(inspector.elements["polyline"] == 2)
        #expect(inspector.texts.contains("SLO multiplier") && inspector.texts.contains("ANTT") && inspector.texts.contains("25"))
        // Error bars: one vertical line plus two caps per point with an error (3 of 4 points).
        let lines = inspector.elements["line", default: 0]
        let withoutErrors = SVGPlot.lines(title: "T", xLabel: "x", yLabel: "y", series: series.map { PlotSeries(name: $0.name, points: $0.points.map { PlotPoint(x: $0.x, y: $0.y) }) }, xTickLabels: ["10", "25"], categoricalX: [0, 1])
        #expect(lines - (SVGInspector.inspect(withoutErrors)?.elements["line", default: 0] ?? 0) == 3 * 3)
    }

    @Test func scatterBarsAndHeatmapAreWellFormed() throws {
        let scatter = try #require(SVGInspector.inspect(SVGPlot.scatter(title: "S", xLabel: "violation (%)", yLabel: "ANTT", series: series)))
        // One marker per point (the shapes depend on the series): circles, polygons or paths.
        let markers = ["circle", "polygon", "path", "rect"].map { scatter.seriesElements[$0, default: 0] }.reduce(0, +)
        #expect(scatter.seriesNames.count == 2 && markers >= 4)
        let bars = try #require(SVGInspector.inspect(SVGPlot.bars(title: "B", yLabel: "ANTT", categories: ["a", "b"], series: series)))
        #expect(bars.seriesNames.count == 2)
        #expect(bars.texts.contains("a") && bars.texts.contains("b"))
        let heat = try #require(SVGInspector.inspect(SVGPlot.heatmap(title: "H", matrix: [[1, 0.5], [0.5, nil]], axisLabel: "layer")))
        #expect(heat.elements["rect", default: 0] >= 4 + 20)
        #expect(heat.texts.contains("layer"))
    }

    @Test func degenerateDataDoesNotBreakTheAxes() throws {
        let flat = [PlotSeries(name: "only", points: [PlotPoint(x: 3, y: 0)])]
        let svg = SVGPlot.lines(title: "flat", xLabel: "x", yLabel: "y", series: flat)
        #expect(SVGInspector.inspect(svg) != nil)
        #expect(!svg.contains("nan") && !svg.contains("inf"))
    }
}

@Suite("Figure styles and dysta plot")
struct FigureStyleTests {
    @Test func everySchedulerKeepsOneDistinctStyleInEveryFigure() {
        let names = ["fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3", "sdrm3-sparse", "dysta", "dysta-naive", "dysta-oracle", "dysta-hw"]
        let styles = names.map { SVGPlot.style(for: $0, index: 0) }
        #expect(Set(styles.map { "\($0.color)|\($0.marker)|\($0.dash ?? "")" }).count == names.count)
        // The index does not matter for a scheduler; options in brackets keep the base style.
        #expect(SVGPlot.style(for: "dysta", index: 7) == SVGPlot.style(for: "dysta", index: 0))
        #expect(SVGPlot.style(for: "dysta-hw[preset=w16]", index: 3) == SVGPlot.style(for: "dysta-hw", index: 0))
        // FCFS and Dysta are not two blues any more.
        #expect(SVGPlot.style(for: "fcfs", index: 0).color != SVGPlot.style(for: "dysta", index: 1).color)
    }

    @Test func overlappingLinesAreDodgedAndWideRangesGoLog() {
        let series = ["dysta", "dysta-oracle"].map { name in
            PlotSeries(name: name, points: [PlotPoint(x: 0, y: 1), PlotPoint(x: 1, y: 200)])
        }
        let svg = SVGPlot.lines(title: "t", xLabel: "x", yLabel: "ANTT", series: series, categoricalX: [0, 1], logY: nil, caption: "Error bars: none.")
        let polylines = svg.components(separatedBy: "<polyline points=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(polylines.count == 2)
        #expect(polylines[0] != polylines[1], "equal series must not be drawn on top of each other")
        #expect(svg.contains("(log scale)"))
        #expect(svg.contains("Error bars: none."))
        let linear = SVGPlot.lines(title: "t", xLabel: "x", yLabel: "v", series: series, categoricalX: [0, 1], logY: false)
        #expect(!linear.contains("(log scale)"))
        #expect((try? XMLDocument(xmlString: svg)) != nil)
    }

    @Test func plotDrawsFacetsAndRefusesAmbiguousRows() throws {
        let csv = """
            workload,load,scheduler,antt,antt_ci95
            cnn,0.5,fcfs,2,0.1
            cnn,0.5,dysta,1.5,0.2
            cnn,0.8,fcfs,4,0.3
            cnn,0.8,dysta,2,
            attention,0.5,fcfs,3,0.1

            """
        let table = try CSVTable(data: Data(csv.utf8), path: "s.csv")
        let figures = try SweepPlot(x: "load", y: "antt", series: "scheduler", facet: "workload").render(table)
        #expect(figures.map(\.facet) == ["cnn", "attention"])
        #expect(figures[0].svg.contains("data-name=\"dysta\"") && figures[0].svg.contains("95% confidence interval of column antt_ci95"))
        #expect(throws: DystaError("several rows give fcfs at load = 0.5 (line 6): filter with --where or split with --facet", file: "s.csv")) {
            try SweepPlot(x: "load", y: "antt", series: "scheduler").render(table)
        }
        #expect(throws: DystaError("no row matches the filters", file: "s.csv")) {
            try SweepPlot(x: "load", y: "antt", filters: [("workload", "mobile")]).render(table)
        }
    }
}
