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
    var current = ""
    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        elements[name, default: 0] += 1
        if name == "g", let series = attributes["data-name"] { seriesNames.append(series) }
        current = ""
    }
    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }
    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if name == "text" { texts.append(current) }
    }

    /// Parses; returns nil when the text is not well-formed XML.
    static func inspect(_ svg: String) -> SVGInspector? {
        let parser = XMLParser(data: Data(svg.utf8))
        let inspector = SVGInspector()
        parser.delegate = inspector
        return parser.parse() ? inspector : nil
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
        #expect(scatter.seriesNames.count == 2 && scatter.elements["circle", default: 0] >= 4)
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
