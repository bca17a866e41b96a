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

/// How one series is drawn: colour, marker and line dash.
public struct SeriesStyle: Sendable, Hashable {
    /// Marker shapes, distinguishable in black and white.
    public enum Marker: String, Sendable, CaseIterable {
        case circle, square, triangle, diamond, triangleDown, cross, plus, star
    }
    /// Fill and stroke colour.
    public var color: String
    /// Marker shape.
    public var marker: Marker
    /// SVG `stroke-dasharray` of the line (nil: solid).
    public var dash: String?

    /// Creates a style.
    public init(color: String, marker: Marker, dash: String? = nil) {
        self.color = color
        self.marker = marker
        self.dash = dash
    }
}

/// Small, dependency-free SVG charts: line plots, scatter plots, grouped bars and heat maps,
/// with axis labels, units, legends, error bars and captions. Output is deterministic text.
///
/// Every scheduler has one style (colour, marker, dash) in every figure (``schedulerStyles``),
/// other series get styles no other series of the figure has (``styles(for:)``); colours are the
/// colour-blind-safe Okabe–Ito palette, and markers and dashes tell apart what shares a colour.
public enum SVGPlot {
    /// Colour-blind-friendly palette (Okabe–Ito, then two greys).
    static let palette = [
        "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442", "#7F7F7F", "#B0B0B0",
    ]

    /// The fixed style of each of the project's schedulers.
    public static let schedulerStyles: [String: SeriesStyle] = [
        "fcfs": SeriesStyle(color: "#000000", marker: .square),
        "sjf": SeriesStyle(color: "#E69F00", marker: .triangle),
        "sjf-sparse": SeriesStyle(color: "#E69F00", marker: .triangle, dash: "6 3"),
        "prema": SeriesStyle(color: "#56B4E9", marker: .diamond),
        "prema-sparse": SeriesStyle(color: "#56B4E9", marker: .diamond, dash: "6 3"),
        "planaria": SeriesStyle(color: "#009E73", marker: .triangleDown),
        "sdrm3": SeriesStyle(color: "#CC79A7", marker: .cross),
        "sdrm3-sparse": SeriesStyle(color: "#CC79A7", marker: .cross, dash: "6 3"),
        "dysta": SeriesStyle(color: "#D55E00", marker: .circle),
        "dysta-naive": SeriesStyle(color: "#0072B2", marker: .plus),
        "dysta-oracle": SeriesStyle(color: "#7F7F7F", marker: .star, dash: "2 3"),
        "dysta-hw": SeriesStyle(color: "#D55E00", marker: .square, dash: "6 3"),
        "lax-srpt": SeriesStyle(color: "#882255", marker: .circle),
    ]

    /// The colour of series `index` (for series that are not schedulers).
    public static func color(_ index: Int) -> String { palette[index % palette.count] }

    /// The fixed style of a scheduler (options in brackets ignored), or nil for another series.
    public static func schedulerStyle(_ name: String) -> SeriesStyle? {
        schedulerStyles[name.split(separator: "[").first.map(String.init) ?? name]
    }

    /// Line dashes of the style sequence: solid, dashed, dotted, dash-dot, then ever longer dashes.
    static func dash(round: Int) -> String? {
        let named: [String?] = [nil, "6 3", "2 3", "8 3 2 3"]
        return round < named.count ? named[round] : "\(round + 6) 3"
    }

    /// Entry `k` of the style sequence for series that are not schedulers: colour `k mod 10`,
    /// marker `k mod 8`, dash `k / 40`. The first 40 entries are the 40 distinct (colour, marker)
    /// pairs with `k mod 10` and `k mod 8` (10 and 8 have lcm 40), so consecutive entries differ
    /// in both; each further round of 40 repeats them with the next dash, and dashes never run
    /// out (``dash(round:)``), so no (colour, marker, dash) comes twice, however long.
    public static func sequenceStyle(_ k: Int) -> SeriesStyle {
        let markers = SeriesStyle.Marker.allCases
        return SeriesStyle(color: palette[k % palette.count], marker: markers[k % markers.count], dash: dash(round: k / 40))
    }

    /// The styles of the series of one figure, in order. A scheduler keeps its fixed style
    /// (``schedulerStyles``; a second series of the same scheduler with other options counts as
    /// another series). Every other series (a user's policy, a workload, a sweep value) takes the
    /// first entry of ``sequenceStyle(_:)`` that no other series of the figure has, preferring
    /// one whose colour and marker are both unused in the figure, then one whose colour is unused
    /// (bars show only the colour), then one whose marker is unused. So no two series of a figure
    /// share a style, they share neither colour nor marker while the figure leaves one free, and
    /// the same list of names gets the same styles in every figure.
    public static func styles(for names: [String]) -> [SeriesStyle] {
        var taken = Set<SeriesStyle>()
        var styles: [SeriesStyle?] = names.map { name in
            guard let style = schedulerStyle(name), taken.insert(style).inserted else { return nil }
            return style
        }
        for index in names.indices where styles[index] == nil {
            let colours = Set(taken.map(\.color)), markers = Set(taken.map(\.marker))
            let cycle = (0..<40).map(sequenceStyle).filter { !taken.contains($0) }
            let style =
                cycle.first { !colours.contains($0.color) && !markers.contains($0.marker) }
                ?? cycle.first { !colours.contains($0.color) } ?? cycle.first { !markers.contains($0.marker) }
                // At most `taken.count` entries are taken, so one of the first `taken.count + 1` is free.
                ?? (0...taken.count).lazy.map(sequenceStyle).first { !taken.contains($0) }!
            styles[index] = style
            taken.insert(style)
        }
        return styles.map { $0! }
    }

    /// A marker centred at (x, y).
    static func marker(_ shape: SeriesStyle.Marker, x: Double, y: Double, size: Double, color: String, hollow: Bool = false) -> String {
        let fill = hollow ? "white" : color
        let paint = "fill=\"\(fill)\" stroke=\"\(color)\" stroke-width=\"1.5\""
        let r = size
        func polygon(_ points: [(Double, Double)]) -> String {
            "<polygon points=\"" + points.map { "\(f(x + $0.0 * r)),\(f(y + $0.1 * r))" }.joined(separator: " ") + "\" \(paint)/>\n"
        }
        switch shape {
        case .circle: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" \(paint)/>\n"
        case .square: return "<rect x=\"\(f(x - r * 0.9))\" y=\"\(f(y - r * 0.9))\" width=\"\(f(r * 1.8))\" height=\"\(f(r * 1.8))\" \(paint)/>\n"
        case .triangle: return polygon([(0, -1.2), (1.1, 0.8), (-1.1, 0.8)])
        case .triangleDown: return polygon([(0, 1.2), (1.1, -0.8), (-1.1, -0.8)])
        case .diamond: return polygon([(0, -1.3), (1.1, 0), (0, 1.3), (-1.1, 0)])
        case .star:
            let points = (0..<10).map { k -> (Double, Double) in
                let angle = Double(k) * Double.pi / 5 - Double.pi / 2
                let radius = k % 2 == 0 ? 1.3 : 0.55
                return (radius * cos(angle), radius * sin(angle))
            }
            return polygon(points)
        case .cross:
            return "<path d=\"M\(f(x - r)),\(f(y - r)) L\(f(x + r)),\(f(y + r)) M\(f(x - r)),\(f(y + r)) L\(f(x + r)),\(f(y - r))\" stroke=\"\(color)\" stroke-width=\"2.2\"/>\n"
        case .plus:
            return "<path d=\"M\(f(x - r * 1.2)),\(f(y)) L\(f(x + r * 1.2)),\(f(y)) M\(f(x)),\(f(y - r * 1.2)) L\(f(x)),\(f(y + r * 1.2))\" stroke=\"\(color)\" stroke-width=\"2.2\"/>\n"
        }
    }

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

    /// Ticks of a log axis over [low, high] (> 0): powers of ten, with 2 and 5 when the range
    /// spans at most four decades (1.4 … 140 would otherwise show only 10 and 100).
    static func logTicks(_ low: Double, _ high: Double) -> [Double] {
        guard low > 0, high > low else { return [low] }
        let decades = Int(floor(log10(low)))...Int(ceil(log10(high)))
        let steps: [Double] = decades.count <= 4 ? [1, 2, 5] : [1]
        var values: [Double] = []
        for decade in decades {
            for step in steps {
                let value = step * pow(10, Double(decade))
                if value >= low * (1 - 1e-9) && value <= high * (1 + 1e-9) { values.append(value) }
            }
        }
        return values.isEmpty ? [low, high] : values
    }

    /// Whether positive values spanning more than `ratio` are better shown on a log axis.
    public static func wantsLogAxis(_ values: [Double], ratio: Double = 30) -> Bool {
        let finite = values.filter(\.isFinite)
        guard let low = finite.min(), let high = finite.max(), low > 0 else { return false }
        return high / low > ratio
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
        let width = 640.0
        let left = 78.0, right = 170.0, top = 44.0, bottom = 58.0
        /// Height of the plot area.
        let plotHeight = 318.0
        /// Lines of caption text under the axis label.
        var captionLines: [String] = []
        var height: Double { top + plotHeight + bottom + Double(captionLines.count) * 15 }
        var plotWidth: Double { width - left - right }

        init(caption: String? = nil) {
            captionLines = caption.map { Frame.wrap($0, width: 96) } ?? []
        }

        /// Words of `text` in lines of at most `width` characters.
        static func wrap(_ text: String, width: Int) -> [String] {
            var lines: [String] = []
            var line = ""
            for word in text.split(separator: " ") {
                if !line.isEmpty && line.count + 1 + word.count > width {
                    lines.append(line)
                    line = ""
                }
                line += (line.isEmpty ? "" : " ") + word
            }
            if !line.isEmpty { lines.append(line) }
            return lines
        }
    }

    static func header(_ frame: Frame, title: String) -> String {
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(frame.width))" height="\(Int(frame.height))" viewBox="0 0 \(Int(frame.width)) \(Int(frame.height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(frame.left + frame.plotWidth / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(escape(title))</text>

            """
        for (index, line) in frame.captionLines.enumerated() {
            let y = frame.top + frame.plotHeight + frame.bottom + 6 + Double(index) * 15
            svg += "<text x=\"12\" y=\"\(f(y))\" font-size=\"11\" fill=\"#333333\">\(escape(line))</text>\n"
        }
        return svg
    }

    /// Axes, grid and labels; returns the SVG and the two mapping functions.
    static func axes(
        _ frame: Frame, xRange: (Double, Double), yRange: (Double, Double), xLabel: String, yLabel: String,
        xTicks: [Double]? = nil, xTickLabels: [String]? = nil, logY: Bool = false
    ) -> (svg: String, x: (Double) -> Double, y: (Double) -> Double) {
        let (x0, x1) = xRange
        let (y0, y1) = logY ? (log10(yRange.0), log10(yRange.1)) : yRange
        let mapX: (Double) -> Double = { frame.left + (x1 > x0 ? ($0 - x0) / (x1 - x0) : 0.5) * frame.plotWidth }
        let mapY: (Double) -> Double = { value in
            let v = logY ? log10(max(value, yRange.0)) : value
            return frame.top + frame.plotHeight - (y1 > y0 ? (v - y0) / (y1 - y0) : 0.5) * frame.plotHeight
        }
        var svg = ""
        let yTicks = logY ? logTicks(yRange.0, yRange.1) : ticks(y0, y1)
        for tick in yTicks {
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
        svg += "<text x=\"\(f(frame.left + frame.plotWidth / 2))\" y=\"\(f(frame.top + frame.plotHeight + frame.bottom - 14))\" text-anchor=\"middle\">\(escape(xLabel))</text>\n"
        let cy = frame.top + frame.plotHeight / 2
        svg += "<text x=\"18\" y=\"\(f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(cy)))\">\(escape(yLabel))</text>\n"
        return (svg, mapX, mapY)
    }

    static func legend(_ frame: Frame, names: [String], styles: [SeriesStyle], marker: Bool = true, line: Bool = true) -> String {
        var svg = ""
        let x = frame.left + frame.plotWidth + 14
        for (index, name) in names.enumerated() {
            let y = frame.top + 10 + Double(index) * 18
            let style = styles[index]
            if marker {
                if line {
                    let dash = style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
                    svg += "<line x1=\"\(f(x))\" y1=\"\(f(y))\" x2=\"\(f(x + 22))\" y2=\"\(f(y))\" stroke=\"\(style.color)\" stroke-width=\"2\"\(dash)/>\n"
                }
                svg += Self.marker(style.marker, x: x + 11, y: y, size: 4, color: style.color, hollow: !line)
            } else {
                svg += "<rect x=\"\(f(x + 4))\" y=\"\(f(y - 6))\" width=\"14\" height=\"12\" fill=\"\(style.color)\"/>\n"
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
    ///
    /// With `categoricalX` the series are dodged: each is shifted by a small, fixed fraction of
    /// a category so that equal values stay visible side by side. `logY` nil chooses a log
    /// axis when the positive values span more than 30×. `styles` (one per series) keep series
    /// in the styles of another figure; nil: ``styles(for:)`` of the series' names.
    public static func lines(
        title: String, xLabel: String, yLabel: String, series: [PlotSeries], xTickLabels: [String]? = nil,
        categoricalX: [Double]? = nil, logY: Bool? = false, caption: String? = nil, styles: [SeriesStyle]? = nil
    ) -> String {
        let frame = Frame(caption: caption)
        let allX = series.flatMap { $0.points.map(\.x) }
        let values = series.flatMap { $0.points.map(\.y) }
        let useLog = logY ?? wantsLogAxis(values)
        let allY = series.flatMap { $0.points.flatMap { [$0.y - ($0.yError ?? 0), $0.y + ($0.yError ?? 0)] } }
        var xRange = range(allX, includeZero: false)
        var dodge = 0.0
        if let categoricalX, let first = categoricalX.first, let last = categoricalX.last {
            xRange = (first - 0.5, last + 0.5)
            dodge = series.count > 1 ? min(0.5 / Double(series.count), 0.06) : 0
        }
        let yRange = useLog ? logRange(values + allY) : range(allY, includeZero: true)
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: xRange, yRange: yRange, xLabel: xLabel + (useLog ? "" : ""), yLabel: yLabel + (useLog ? " (log scale)" : ""),
            xTicks: categoricalX, xTickLabels: xTickLabels, logY: useLog)
        var svg = header(frame, title: title) + axesSVG
        let styles = styles ?? Self.styles(for: series.map(\.name))
        for (index, item) in series.enumerated() {
            let style = styles[index]
            let shift = (Double(index) - Double(series.count - 1) / 2) * dodge
            let path = item.points.map { "\(f(mapX($0.x + shift))),\(f(mapY($0.y)))" }.joined(separator: " ")
            let dash = style.dash.map { " stroke-dasharray=\"\($0)\"" } ?? ""
            svg += "<g class=\"series\" data-name=\"\(escape(item.name))\">\n"
            svg += "<polyline points=\"\(path)\" fill=\"none\" stroke=\"\(style.color)\" stroke-width=\"2\"\(dash)/>\n"
            for point in item.points {
                let x = mapX(point.x + shift)
                if let error = point.yError, error > 0 {
                    svg += errorBar(x: x, low: mapY(point.y - error), high: mapY(point.y + error), color: style.color)
                }
                svg += marker(style.marker, x: x, y: mapY(point.y), size: 4, color: style.color)
            }
            svg += "</g>\n"
        }
        return svg + legend(frame, names: series.map(\.name), styles: styles) + "</svg>\n"
    }

    /// A log axis range covering the positive values (with a little room).
    static func logRange(_ values: [Double]) -> (Double, Double) {
        let positive = values.filter { $0 > 0 && $0.isFinite }
        guard let low = positive.min(), let high = positive.max() else { return (0.1, 1) }
        return (low / 1.25, high * 1.25)
    }

    /// A scatter plot: one point (with x and y error bars) per series and point.
    ///
    /// Markers are hollow and shrink with the series index, so points that coincide show as
    /// nested shapes instead of hiding each other. With `logY` the y axis is logarithmic (error
    /// bars reaching 0 or below end at the axis).
    public static func scatter(
        title: String, xLabel: String, yLabel: String, series: [PlotSeries], logY: Bool = false, caption: String? = nil
    ) -> String {
        let frame = Frame(caption: caption)
        let allX = series.flatMap { $0.points.flatMap { [$0.x - ($0.xError ?? 0), $0.x + ($0.xError ?? 0)] } }
        let allY = series.flatMap { $0.points.flatMap { [$0.y - ($0.yError ?? 0), $0.y + ($0.yError ?? 0)] } }
        let yRange = logY ? logRange(series.flatMap { $0.points.map(\.y) } + allY) : range(allY, includeZero: true)
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: range(allX, includeZero: true), yRange: yRange, xLabel: xLabel, yLabel: yLabel + (logY ? " (log scale)" : ""),
            logY: logY)
        var svg = header(frame, title: title) + axesSVG
        let styles = styles(for: series.map(\.name))
        for (index, item) in series.enumerated() {
            let style = styles[index]
            svg += "<g class=\"series\" data-name=\"\(escape(item.name))\">\n"
            for point in item.points {
                let x = mapX(point.x), y = mapY(point.y)
                if let error = point.yError, error > 0 {
                    svg += errorBar(x: x, low: mapY(point.y - error), high: mapY(point.y + error), color: style.color)
                }
                if let error = point.xError, error > 0 {
                    svg += "<line x1=\"\(f(mapX(point.x - error)))\" y1=\"\(f(y))\" x2=\"\(f(mapX(point.x + error)))\" y2=\"\(f(y))\" stroke=\"\(style.color)\"/>\n"
                }
                let size = max(3, 9 - Double(index) * 1.1)
                svg += marker(style.marker, x: x, y: y, size: size, color: style.color, hollow: true)
            }
            svg += "</g>\n"
        }
        return svg + legend(frame, names: series.map(\.name), styles: styles, line: false) + "</svg>\n"
    }

    /// Grouped bars: one group per category, one bar per series, with error bars; `styles` as
    /// in ``lines(title:xLabel:yLabel:series:xTickLabels:categoricalX:logY:caption:styles:)``.
    public static func bars(
        title: String, yLabel: String, categories: [String], series: [PlotSeries], caption: String? = nil, styles: [SeriesStyle]? = nil
    ) -> String {
        let frame = Frame(caption: caption)
        let allY = series.flatMap { $0.points.map { $0.y + ($0.yError ?? 0) } }
        let positions = categories.indices.map(Double.init)
        let (axesSVG, mapX, mapY) = axes(
            frame, xRange: (-0.5, Double(categories.count) - 0.5), yRange: range(allY + [0], includeZero: true), xLabel: "",
            yLabel: yLabel, xTicks: positions, xTickLabels: categories)
        var svg = header(frame, title: title) + axesSVG
        let groupWidth = frame.plotWidth / Double(max(categories.count, 1)) * 0.8
        let barWidth = groupWidth / Double(max(series.count, 1))
        let styles = styles ?? Self.styles(for: series.map(\.name))
        for (index, item) in series.enumerated() {
            let c = styles[index].color
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
        return svg + legend(frame, names: series.map(\.name), styles: styles, marker: false) + "</svg>\n"
    }

    /// The colour of a heat-map cell whose value is undefined (nil or not finite).
    static let undefinedShade = "#cccccc"

    /// A heat map of a square matrix in [−1, 1] (e.g. correlations), blue (−1) – white – red (+1),
    /// with `axisLabel` on both axes, a colour bar, a grey "undefined" key when a cell is nil,
    /// and an optional caption under the chart.
    public static func heatmap(title: String, matrix: [[Double?]], axisLabel: String, caption: String? = nil) -> String {
        let n = matrix.count
        let cell = min(22.0, 440.0 / Double(max(n, 1)))
        let left = 60.0, top = 44.0
        let size = cell * Double(n)
        let width = max(left + size + 110, 300)
        let captionLines = caption.map { Frame.wrap($0, width: Int((width - 24) / 5.6)) } ?? []
        let height = top + size + 50 + Double(captionLines.count) * 14
        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="11">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left + size / 2))" y="22" text-anchor="middle" font-size="14" font-weight="bold">\(escape(title))</text>

            """
        for (index, line) in captionLines.enumerated() {
            svg += "<text x=\"12\" y=\"\(f(top + size + 54 + Double(index) * 14))\" font-size=\"10\" fill=\"#333333\">\(escape(line))</text>\n"
        }
        func shade(_ value: Double?) -> String {
            guard let value, value.isFinite else { return undefinedShade }
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
        let cy = top + size / 2
        svg += "<text x=\"18\" y=\"\(f(cy))\" text-anchor=\"middle\" transform=\"rotate(-90 18 \(f(cy)))\">\(escape(axisLabel))</text>\n"
        // Colour bar.
        let barX = left + size + 24
        for k in 0..<20 {
            let v = 1 - Double(k) / 19 * 2
            svg += "<rect x=\"\(f(barX))\" y=\"\(f(top + Double(k) * size / 20))\" width=\"14\" height=\"\(f(size / 20 + 0.5))\" fill=\"\(shade(v))\"/>\n"
        }
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + 8))\">+1</text>\n"
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + size / 2 + 4))\">0</text>\n"
        svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + size))\">−1</text>\n"
        if matrix.contains(where: { $0.contains { !($0?.isFinite ?? false) } }) {
            svg += "<rect x=\"\(f(barX))\" y=\"\(f(top + size + 8))\" width=\"14\" height=\"10\" fill=\"\(undefinedShade)\"/>\n"
            svg += "<text x=\"\(f(barX + 18))\" y=\"\(f(top + size + 17))\">undefined</text>\n"
        }
        return svg + "</svg>\n"
    }
}
