import Foundation

/// One data point with an optional symmetric error (the 95% CI half-width).
public struct PlotPoint: Sendable {
    public var x: Double
    public var y: Double
    public var yError: Double?
    public var xError: Double?
    public init(x: Double, y: Double, yError: Double? = nil, xError: Double? = nil) {
        self.x = x
        self.y = y
        self.yError = yError
        self.xError = xError
    }
}

/// A named series of points.
public struct PlotSeries: Sendable {
    public var name: String
    public var points: [PlotPoint]
    public init(name: String, points: [PlotPoint]) {
        self.name = name
        self.points = points
    }
}

/// Small, dependency-free SVG charts: line plots, scatter plots, grouped bars and heat maps,
/// with axis labels, units, legends and error bars. Output is deterministic text.
public enum SVGPlot {
    /// Colour-blind-friendly palette (Okabe–Ito, then Tableau).
    static let palette = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#8C564B", "#7F7F7F",
        "#17BECF", "#BCBD22",
    ]

    /// The colour of series `index`.
    public static func color(_ index: Int) -> String { palette[index % palette.count] }

    static func f(_ value: Double) -> String { String(format: "%.2f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }

    /// "Nice" tick values covering [low, high].
    static func ticks(_ low: Double, _ high: Double, count: Int = 5) -> [Double] {
        guard high > low, low.isFinite, high.isFinite else { return [low] }
        let raw = (high - low) / Double(count)
        let magnitude = pow(10, floor(log10(raw)))
        let step = [1.0, 2, 2.5, 5, 10].map { $0 * magnitude }.first { $0 >= raw } ?? raw
        var values: [Double] = []
        var value = (low / step).rounded(.down) * step
        while value <= high + step * 1e-9 {
            if value >= low - step * 1e-9 { values.append(abs(value) < step * 1e-9 ? 0 : value) }
            value += step
        }
        return values
    }

    static func label(_ value: Double) -> String {
        if value == 0 { return "0" }
        let magnitude = abs(value)
        if magnitude >= 1000 || magnitude < 0.01 { return String(format: "%.1e", value) }
        if value == value.rounded() { return String(Int(value)) }
        return String(format: magnitude < 1 ? "%.3g" : "%.2f", value).replacingOccurrences(of: "\\.?0+$", with: "", options: .regularExpression)
    }

    /// Frame geometry shared by the x-y charts.
    struct Frame {
        let width = 640.0, height = 420.0
        let left = 78.0, right = 170.0, top = 44.0, bottom = 58.0
        var plotWidth: Double { width - left - right }
        var plotHeight: Double { height - top - bottom }
    }

    static func header(_ frame: Frame, title: String) -> String {
        """
        <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(frame.width))" height="\(Int(frame.height))" viewBox="0 0 \(Int(frame.width)) \(Int(frame.height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
        <rect width="100%" height="100%" fill="white"/>
        <text x="\(f(frame.left + frame.plotWidth / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

        """
    }

    /// Axes, grid and labels; returns the SVG and the two mapping functions.
    static func axes(
        _ frame: Frame, xRange: (Double, Double), yRange: (Double, Double), xLabel: String, yLabel: String,
        xTicks: [Double]? = nil, xTickLabels: [String]? = nil
    ) -> (svg: String, x: (Double) -> Double, y: (Double) -> Double) {
        let (x0, x1) = xRange
        let (y0, y1) = yRange
        let mapX: (Double) -> Double = { frame.left + (x1 > x0 ? ($0 - x0) / (x1 - x0) : 0.5) * frame.plotWidth }
        let mapY: (Double) -> Double = { frame.top + frame.plotHeight - (y1 > y0 ? ($0 - y0) / (y1 - y0) : 0.5) * frame.plotHeight }
        var svg = ""
        for tick in ticks(y0, y1) {
            let y = mapY(tick)
            svg += "<line x1=\"\(f(frame.left))\" y1=\"\(f(y))\" x2=\"\(f(frame.left + frame.plotWidth))\" y2=\"\(f(y))\" stroke=\"#e0e0e0\"/>\n"
            svg += "<text x=\"\(f(frame.left - 6))\" y=\"\(f(y + 4))\" text-anchor=\"end\">\(label(tick))</text>\n"
        }
        let xs = xTicks ?? ticks(x0, x1)
        for (index, tick) in xs.enumerated() {
            let x = mapX(tick)
            svg += "<line x1=\"\(f(x))\" y1=\"\(f(frame.top + frame.plotHeight))\" x2=\"\(f(x))\" y2=\"\(f(frame.top + frame.plotHeight + 5))\" stroke=\"black\"/>\n"
            let text = xTickLabels.map { index < $0.count ? $0[index] : "" } ?? label(tick)
            svg += "<text x=\"\(f(x))\" y=\"\(f(frame.top + frame.plotHeight + 19))\" text-anchor=\"middle\">\(escape(text))</text>\n"
        }
        svg += "<rect x=\"\(f(frame.left))\" y=\"\(f(frame.top))\" width=\"\(f(frame.plotWidth))\" height=\"\(f(frame.plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
        svg += "<text x=\"\(f(frame.left + frame.plotWidth / 2))\" y=\"\(f(frame.height - 14))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        let cy = frame.top + frame.plotHeight / 2
        svg += "<text x=\"18\" y=\"\(f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(cy)))\">\(escape(yLabel))</text>\n"
        return (svg, mapX, mapY)
    }

    static func legend(_ frame: Frame, names: [String], marker: Bool = true) -> String {
        var svg = ""
        let x = frame.left + frame.plotWidth + 14
        for (index, name) in names.enumerated() {
            let y = frame.top + 10 + Double(index) * 18
            if marker {
                svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 22))\" y2=\"\(f(y))\" stroke=\"\(color(index))\" stroke-width=\"2\"/>\n"
                svg += "<circle cx=\"\(f(x + 11))\" cy=\"\(f(y))\" r=\"3.5\" fill=\"\(color(index))\"/>\n"
            } else {
                svg += "<rect x=\"\(f(x + 4))\" y=\"\(f(y - 6))\" width=\"14\" height=\"12\" fill=\"\(color(index))\"/>\n"
            }
            svg += "<text x=\"\(f(x + 28))\" y=\"\(f(y + 4))\">\(escape(name))</text>\n"
        }
        return svg
    }

    static func range(_ values: [Double], includeZero: Bool) -> (Double, Double) {
        let finite = values.filter(\.isFinite)
        guard var low = finite.min(), var high = finite.max() else { return (0, 1) }
        if includeZero { low = min(low, 0) }
        if high == low { high = low + (low == 0 ? 1 : abs(low) * 0.1) }
        let pad = (high - low) * 0.06
        return (includeZero && low == 0 ? 0 : low - pad, high + pad)
    }

    static func errorBar(x: Double, low: Double, high: Double, color: String, vertical: Bool = true) -> String {
        if vertical {
            return "<line x1=\"\(f(x))\" y1=\"\(f(low))\" x2=\"\(f(x))\" y2=\"\(f(high))\" stroke=\"\(color)\"/>\n"
                + "<line x1=\"\(f(x - 3))\" y1=\"\(f(low))\" x2=\"\(f(x + 3))\" y2=\"\(f(low))\" stroke=\"\(color)\"/>\n"
                + "<line x1=\"\(f(x - 3))\" y1=\"\(f(high))\" x2=\"\(f(x + 3))\" y2=\"\(f(high))\" stroke=\"\(color)\"/>\n"
        }
        return ""
    }

    /// A line plot of several series over a shared x axis, with error bars.
    public static func lines(
        title: String, xLabel: String, yLabel: String, series: [PlotSeries], xTickLabels: [String]? = nil,
        categoricalX: [Double]? = nil
    ) -> String {
        let frame = Frame()
        let allX = series.flatMap { $0.points.map(\.x) }
        let allY = series.flatMap { $0.points.flatMap { [$0.y - ($0.yError ?? 0), $0.y + ($0.yError ?? 0)] } }
        var xRange = range(allX, includeZero: false)
        if let categoricalX, let first = categoricalX.first, let last = categoricalX.last {
            xRange = (first - 0.5, last + 0.5)
        }
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: xRange, yRange: range(allY, includeZero: true), xLabel: xLabel, yLabel: yLabel,
            xTicks: categoricalX, xTickLabels: xTickLabels)
        var svg = header(frame, title: title) + axesSVG
        for (index, item) in series.enumerated() {
            let c = color(index)
            let path = item.points.map { "\(f(mapX($0.x))),\(f(mapY($0.y)))" }.joined(separator: " ")
            svg += "<g class=\"series\" data-name=\"\(escape(item.name))\">\n"
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(c)\" stroke-width=\"2\"/>\n"
            for point in item.points {
                if let error = point.yError, error > 0 {
                    svg += errorBar(x: mapX(point.x), low: mapY(point.y - error), high: mapY(point.y + error), color: c)
                }
                svg += "<circle cx=\"\(f(mapX(point.x)))\" cy=\"\(f(mapY(point.y)))\" r=\"3.5\" fill=\"\(c)\"/>\n"
            }
            svg += "</g>\n"
        }
        return svg + legend(frame, names: series.map(\.name)) + "</svg>\n"
    }

    /// A scatter plot: one labelled point (with x and y error bars) per series.
    public static func scatter(title: String, xLabel: String, yLabel: String, series: [PlotSeries]) -> String {
        let frame = Frame()
        let allX = series.flatMap { $0.points.flatMap { [$0.x - ($0.xError ?? 0), $0.x + ($0.xError ?? 0)] } }
        let allY = series.flatMap { $0.points.flatMap { [$0.y - ($0.yError ?? 0), $0.y + ($0.yError ?? 0)] } }
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: range(allX, includeZero: true), yRange: range(allY, includeZero: true), xLabel: xLabel, yLabel: yLabel)
        var svg = header(frame, title: title) + axesSVG
        for (index, item) in series.enumerated() {
            let c = color(index)
            svg += "<g class=\"series\" data-name=\"\(escape(item.name))\">\n"
            for point in item.points {
                let x = mapX(point.x), y = mapY(point.y)
                if let error = point.yError, error > 0 {
                    svg += errorBar(x: x, low: mapY(point.y - error), high: mapY(point.y + error), color: c)
                }
                if let error = point.xError, error > 0 {
                    svg += "<line x1=\"\(f(mapX(point.x - error)))\" y1=\"\(f(y))\" x2=\"\(f(mapX(point.x + error)))\" y2=\"\(f(y))\" stroke=\"\(c)\"/>\n"
                }
                svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"5\" fill=\"\(c)\" fill-opacity=\"0.85\"/>\n"
            }
            svg += "</g>\n"
        }
        return svg + legend(frame, names: series.map(\.name)) + "</svg>\n"
    }

    /// Grouped bars: one group per category, one bar per series, with error bars.
    public static func bars(title: String, yLabel: String, categories: [String], series: [PlotSeries]) -> String {
        let frame = Frame()
        let allY = series.flatMap { $0.points.map { $0.y + ($0.yError ?? 0) } }
        let positions = categories.indices.map(Double.init)
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: (-0.5, Double(categories.count) - 0.5), yRange: range(allY + [0], includeZero: true), xLabel: "",
            yLabel: yLabel, xTicks: positions, xTickLabels: categories)
        var svg = header(frame, title: title) + axesSVG
        let groupWidth = frame.plotWidth / Double(max(categories.count, 1)) * 0.8
        let barWidth = groupWidth / Double(max(series.count, 1))
        for (index, item) in series.enumerated() {
            let c = color(index)
            svg += "<g class=\"series\" data-name=\"\(escape(item.name))\">\n"
            for point in item.points {
                let x = mapX(point.x) - groupWidth / 2 + barWidth * Double(index)
                let top = mapY(point.y), base = mapY(0)
                svg += "<rect x=\"\(f(x))\" y=\"\(f(min(top, base)))\" width=\"\(f(barWidth * 0.92))\" height=\"\(f(abs(base - top)))\" fill=\"\(c)\"/>\n"
                if let error = point.yError, error > 0 {
                    svg += errorBar(x: x + barWidth * 0.46, low: mapY(point.y - error), high: mapY(point.y + error), color: "black")
                }
            }
            svg += "</g>\n"
        }
        return svg + legend(frame, names: series.map(\.name), marker: false) + "</svg>\n"
    }

    /// A heat map of a square matrix in [−1, 1] (e.g. correlations), blue (−1) – white – red (+1).
    public static func heatmap(title: String, matrix: [[Double?]], axisLabel: String) -> String {
        let n = matrix.count
        let cell = min(22.0, 440.0 / Double(max(n, 1)))
        let left = 60.0, top = 44.0
        let size = cell * Double(n)
        let width = left + size + 110, height = top + size + 50
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left + size / 2))" y="22" text-anchor="middle" font-size="14" font-weight="bold">\(escape(title))</text>

            """
        func shade(_ value: Double?) -> String {
            guard let value, value.isFinite else { return "#cccccc" }
            let v = max(-1, min(1, value))
            let r = v >= 0 ? 255 : Int(255 * (1 + v)), b = v <= 0 ? 255 : Int(255 * (1 - v)), g = Int(255 * (1 - abs(v)))
            return String(format: "#%02X%02X%02X", r, g, b)
        }
        for i in 0..<n {
            for j in 0..<n {
                svg += "<rect x=\"\(f(left + Double(j) * cell))\" y=\"\(f(top + Double(i) * cell))\" width=\"\(f(cell))\" height=\"\(f(cell))\" fill=\"\(shade(matrix[i][j]))\"/>\n"
            }
        }
        let step = max(1, n / 10)
        for i in stride(from: 0, to: n, by: step) {
            svg += "<text x=\"\(f(left - 4))\" y=\"\(f(top + (Double(i) + 0.7) * cell))\" text-anchor=\"end\">\(i)</text>\n"
            svg += "<text x=\"\(f(left + (Double(i) + 0.5) * cell))\" y=\"\(f(top + size + 14))\" text-anchor=\"middle\">\(i)</text>\n"
        }
        svg += "<text x=\"\(f(left + size / 2))\" y=\"\(f(top + size + 34))\" text-anchor=\"middle\">\(escape(axisLabel))</text>\n"
        // Colour bar.
        let barX = left + size + 24
        for k in 0..<20 {
            let v = 1 - Double(k) / 19 * 2
            svg += "<rect x=\"\(f(barX))\" y=\"\(f(top + Double(k) * size / 20))\" width=\"14\" height=\"\(f(size / 20 + 0.5))\" fill=\"\(shade(v))\"/>\n"
        }
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + 8))\">+1</text>\n"
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + size / 2 + 4))\">0</text>\n"
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + size))\">−1</text>\n"
        return svg + "</svg>\n"
    }
}
