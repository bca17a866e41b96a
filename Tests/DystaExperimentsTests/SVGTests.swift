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
        #expect(heat.texts.filter { $0 == "layer" }.count == 2, "both axes are labelled")
        #expect(heat.texts.contains("undefined"), "a nil cell is explained by a key")
        let defined = try #require(SVGInspector.inspect(SVGPlot.heatmap(title: "H", matrix: [[1, 0.5], [0.5, 1]], axisLabel: "layer", caption: "C")))
        #expect(!defined.texts.contains("undefined") && defined.texts.contains("C"))
        // A log-scale scatter says so on its axis.
        #expect(SVGPlot.scatter(title: "S", xLabel: "x", yLabel: "ANTT", series: series, logY: true).contains("ANTT (log scale)"))
        // Up to four decades (Fig. 12: ANTT 1.6 … 110) the log axis has 2 and 5 between the powers of ten.
        let wide = [PlotSeries(name: "a", points: [PlotPoint(x: 1, y: 1.6), PlotPoint(x: 2, y: 110)])]
        let ticks = try #require(SVGInspector.inspect(SVGPlot.scatter(title: "S", xLabel: "x", yLabel: "ANTT", series: wide, logY: true))).texts
        #expect(["2", "5", "10", "20", "50", "100"].allSatisfy(ticks.contains), "\(ticks)")
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
    @Test func everySchedulerKeepsOneDistinctStyleInEveryFigure() throws {
        let names = ["fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3", "sdrm3-sparse", "dysta", "dysta-naive", "dysta-oracle", "dysta-hw", "lax-srpt"]
        let styles = try names.map { try #require(SVGPlot.schedulerStyle($0)) }
        #expect(Set(styles).count == names.count)
        // The position does not matter for a scheduler; options in brackets keep the base style.
        #expect(SVGPlot.styles(for: ["fcfs", "sjf", "dysta"])[2] == SVGPlot.styles(for: ["dysta"])[0])
        #expect(SVGPlot.schedulerStyle("dysta-hw[preset=w16]") == SVGPlot.schedulerStyle("dysta-hw"))
        #expect(SVGPlot.styles(for: names) == styles)
        // FCFS and Dysta are not two blues any more.
        #expect(SVGPlot.schedulerStyle("fcfs")!.color != SVGPlot.schedulerStyle("dysta")!.color)
    }

    /// A user's policy (or any series that is not a scheduler) never takes the style of another
    /// series in the figure, and takes neither its colour nor its marker while one is free.
    @Test func otherSeriesGetStylesNoOtherSeriesOfTheFigureHas() {
        let mine = SVGPlot.styles(for: ["dysta", "my-policy"])
        #expect(mine[0] == SVGPlot.schedulerStyle("dysta"))
        #expect(mine[1].marker != mine[0].marker && mine[1].color != mine[0].color)
        // Among the schedulers of `dysta reproduce`, a user's policy takes the free colour and marker.
        let compared = ["fcfs", "sjf", "prema", "planaria", "sdrm3", "dysta", "dysta-oracle", "mine"]
        let styles = SVGPlot.styles(for: compared)
        #expect(!styles.dropLast().contains { $0.color == styles.last!.color || $0.marker == styles.last!.marker })
        // Two runs of one scheduler with other options are two series.
        let hw = SVGPlot.styles(for: ["dysta-hw[preset=w16]", "dysta-hw[preset=w32]"])
        #expect(hw[0] == SVGPlot.schedulerStyle("dysta-hw") && hw[1] != hw[0])
        // Any number of series: no style twice (here past the 40 colour-marker pairs and the named dashes).
        for count in [2, 9, 41, 200] {
            let many = SVGPlot.styles(for: ["dysta", "fcfs"] + (0..<count).map { "policy-\($0)" })
            #expect(Set(many).count == many.count, "\(count) series")
        }
        // The first ten differ in colour, the first eight in marker as well.
        let ten = SVGPlot.styles(for: (0..<10).map { "p\($0)" })
        #expect(Set(ten.map(\.color)).count == 10 && Set(ten.prefix(8).map(\.marker)).count == 8)
        // Figures without schedulers keep the styles they had (colour and marker by position).
        #expect(ten.map(\.color) == (0..<10).map(SVGPlot.color) && ten.allSatisfy { $0.dash == nil })
        // The same names give the same styles in every figure: the user's policy is always entry 30
        // of the sequence (#0072B2, plus), the first whose colour and marker no scheduler here has.
        #expect(styles.last == SVGPlot.sequenceStyle(30))
    }

    /// dysta plot gives a series one style in all facets, also where an earlier series is missing.
    @Test func plotKeepsASeriesStyleAcrossFacets() throws {
        let csv = "slo,load,scheduler,antt\n10,0.5,mine,2\n10,0.5,yours,3\n50,0.5,yours,1.5\n"
        let figures = try SweepPlot(x: "load", y: "antt", series: "scheduler", facet: "slo").render(try CSVTable(data: Data(csv.utf8), path: "s.csv"))
        let yours = SVGPlot.styles(for: ["mine", "yours"])[1]
        for figure in figures {
            let group = try #require(figure.svg.components(separatedBy: "data-name=\"yours\"").dropFirst().first?.components(separatedBy: "</g>").first)
            #expect(group.contains("<polyline") && group.contains("stroke=\"\(yours.color)\""), "facet \(figure.facet)")
        }
        #expect(SVGPlot.styles(for: ["yours"])[0] != yours, "without the facets' names 'yours' would change style")
    }

    /// The legend shows each series in the style it is drawn with.
    @Test func theLegendDrawsTheStylesOfTheSeries() throws {
        let series = ["dysta", "mine"].map { PlotSeries(name: $0, points: [PlotPoint(x: 0, y: 1), PlotPoint(x: 1, y: 2)]) }
        let svg = SVGPlot.lines(title: "t", xLabel: "x", yLabel: "y", series: series, categoricalX: [0, 1])
        let mine = SVGPlot.styles(for: ["dysta", "mine"])[1]
        #expect(svg.components(separatedBy: "stroke=\"\(mine.color)\"").count - 1 >= 3, "the line, a marker and the legend")
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
