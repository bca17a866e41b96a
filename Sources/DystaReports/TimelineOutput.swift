import DystaCore
import DystaSimulation
import Foundation

/// Names the timeline outputs print: model variants and their layers.
public struct TimelineNames: Sendable {
    /// Variant names in workload order.
    public var variants: [String]
    /// Per variant, its layer names (may be shorter than the layer count, or empty: unknown).
    public var layers: [[String]]

    /// Creates the names.
    public init(variants: [String], layers: [[String]] = []) {
        self.variants = variants
        self.layers = layers
    }

    /// The name of `layer` of `variant`, or "" when unknown.
    public func layer(_ layer: Int, of variant: Int) -> String {
        guard variant < layers.count, layer < layers[variant].count else { return "" }
        return layers[variant][layer]
    }

    /// `model/layer name` (or `model/L<index>` when the layer has no name).
    public func slice(_ layer: Int, of variant: Int) -> String {
        let name = self.layer(layer, of: variant)
        return variants[variant] + "/" + (name.isEmpty ? "L\(layer)" : name)
    }
}

/// The rows of a Gantt chart.
public enum GanttRows: String, Sendable, CaseIterable {
    /// One row per accelerator.
    case accelerator
    /// One row per request that ran in the window.
    case request
}

/// A run's timeline as files: per-layer CSV, per-request CSV, Chrome/Perfetto trace JSON and an
/// SVG Gantt chart (docs/file-formats.md, "Timeline"). Output is deterministic text.
public enum TimelineOutput {
    // MARK: CSV

    /// Columns of the per-layer CSV.
    public static let layerColumns = [
        "request", "model", "sample", "priority", "layer", "layer_name", "accelerator", "start", "end", "decision_delay",
        "switch_cost",
    ]

    /// Columns of the per-request CSV.
    public static let requestColumns = [
        "id", "model", "sample", "priority", "arrival", "deadline", "first_start", "finish", "queueing_delay", "preemptions",
        "layers", "accelerators", "violated",
    ]

    /// Names encoded once per model and per (model, layer), not once per event.
    struct EncodedNames {
        /// Per variant: the model name.
        var model: [String] = []
        /// Per variant and layer: the layer name, and `model/layer` (the trace's slice name).
        var layer: [[String]] = []
        var slice: [[String]] = []

        init(_ names: TimelineNames, layers: [Timeline.Layer], encode: (String) -> String) {
            var count = [Int](repeating: 0, count: names.variants.count)
            for layer in layers { count[layer.request.variant] = max(count[layer.request.variant], layer.layer + 1) }
            for variant in names.variants.indices {
                model.append(encode(names.variants[variant]))
                self.layer.append((0..<count[variant]).map { encode(names.layer($0, of: variant)) })
                slice.append((0..<count[variant]).map { encode(names.slice($0, of: variant)) })
            }
        }
    }

    /// One row per layer, in engine order (times in seconds).
    public static func layersCSV(_ timeline: Timeline, names: TimelineNames) -> String {
        let layers = timeline.layers()
        let encoded = EncodedNames(names, layers: layers, encode: csvField)
        var text = layerColumns.joined(separator: ",") + "\n"
        text.reserveCapacity(layers.count * 100)
        for layer in layers {
            let request = layer.request
            text += "\(request.id),\(encoded.model[request.variant]),\(request.sample),\(request.priority),"
            text += "\(layer.layer),\(encoded.layer[request.variant][layer.layer]),\(layer.accelerator),"
            text += "\(layer.start),\(layer.end),\(layer.decisionDelay),\(layer.switchCost)\n"
        }
        return text
    }

    /// One row per request, in id order (times in seconds).
    public static func requestsCSV(_ timeline: Timeline, names: TimelineNames) -> String {
        var text = requestColumns.joined(separator: ",") + "\n"
        for summary in timeline.requestSummaries() {
            let request = summary.request
            text += "\(request.id),\(csvField(names.variants[request.variant])),\(request.sample),\(request.priority),"
            text += "\(request.arrival),\(request.deadline),\(summary.firstStart),\(summary.finish),\(summary.queueingDelay),"
            text += "\(summary.preemptions),\(summary.layers),\(summary.accelerators.map(String.init).joined(separator: ";")),"
            text += "\(summary.violated ? 1 : 0)\n"
        }
        return text
    }

    // MARK: Perfetto / Chrome trace

    /// Whole nanoseconds of a time in seconds.
    static func nanoseconds(_ seconds: Double) -> Int64 { Int64((seconds * 1e9).rounded()) }

    /// Microseconds (the trace format's unit) of a whole number of nanoseconds, written with
    /// half a nanosecond more (`12.3455` for 12 345 ns) so that readers which truncate µs × 1000
    /// to integer nanoseconds (Perfetto) get exactly `ns` — back-to-back slices then neither
    /// overlap nor leave gaps.
    static func microseconds(_ ns: Int64) -> String {
        var text = ""
        appendMicroseconds(ns, to: &text)
        return text
    }

    /// Appends ``microseconds(_:)`` of `ns` (≥ 0).
    static func appendMicroseconds(_ ns: Int64, to out: inout String) {
        out += String(ns / 1000)
        let fraction = Int(ns % 1000)
        out += fraction < 10 ? ".00" : fraction < 100 ? ".0" : "."
        out += String(fraction)
        out += "5"
    }

    /// The trace in Chrome's trace-event JSON format (opens in ui.perfetto.dev and
    /// chrome://tracing): process 1 is the run, thread `a + 1` is accelerator `a`, one complete
    /// ("X") slice per layer named `model/layer`, a `decision` slice for each decision delay and a
    /// `context switch` slice for each switch cost charged before a layer, and flow arrows ("s" → "f") from each layer to the same request's next layer.
    public static func perfettoJSON(_ timeline: Timeline, names: TimelineNames, title: String) -> String {
        let layers = timeline.layers()
        let encoded = EncodedNames(names, layers: layers, encode: JSONValue.quote)
        // One string, appended to piece by piece (no per-event temporaries): ≈ 400 bytes per layer.
        var out = "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n"
        out.reserveCapacity(layers.count * 420 + 1024)
        out += "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":"
        out += JSONValue.quote(title)
        out += "}}"
        for accelerator in 0..<timeline.accelerators {
            let tid = String(accelerator + 1)
            out += ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":" + tid + ",\"name\":\"thread_name\",\"args\":{\"name\":\"accelerator "
            out += String(accelerator)
            out += "\"}}"
            out += ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":" + tid + ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":"
            out += String(accelerator)
            out += "}}"
        }
        /// `,\n{"ph":"PH","pid":1,"tid":TID,"ts":TS,` — the start every event shares.
        func open(_ phase: String, tid: Int, ts: Int64) {
            out += ",\n{\"ph\":\""
            out += phase
            out += "\",\"pid\":1,\"tid\":"
            out += String(tid)
            out += ",\"ts\":"
            appendMicroseconds(ts, to: &out)
            out += ","
        }
        // Slice bounds in whole nanoseconds; where the previous slice on the track ended.
        var bounds: [(start: Int64, end: Int64)] = []
        bounds.reserveCapacity(layers.count)
        var trackEnd = [Int64](repeating: 0, count: timeline.accelerators)
        for layer in layers {
            let request = layer.request
            let tid = layer.accelerator + 1
            let start = nanoseconds(layer.start)
            let end = max(start, nanoseconds(layer.end))
            bounds.append((start, end))
            // What was charged before the layer: the switch, then the decision.
            if layer.switchCost > 0 || layer.decisionDelay > 0 {
                let decided = layer.start - layer.decisionDelay
                for (isDecision, from, to, seconds) in [
                    (false, decided - layer.switchCost, decided, layer.switchCost), (true, decided, layer.start, layer.decisionDelay),
                ] where seconds > 0 {
                    let to = min(start, max(trackEnd[layer.accelerator], nanoseconds(to)))
                    let from = min(to, max(trackEnd[layer.accelerator], nanoseconds(from)))
                    open("X", tid: tid, ts: from)
                    out += "\"dur\":"
                    appendMicroseconds(to - from, to: &out)
                    out += isDecision
                        ? ",\"name\":\"decision\",\"cat\":\"decision\",\"args\":{\"request\":"
                        : ",\"name\":\"context switch\",\"cat\":\"switch\",\"args\":{\"request\":"
                    out += String(request.id)
                    out += isDecision ? ",\"decision_delay_s\":" : ",\"switch_cost_s\":"
                    out += formatNumber(seconds)
                    out += "}}"
                    trackEnd[layer.accelerator] = to
                }
            }
            open("X", tid: tid, ts: start)
            out += "\"dur\":"
            appendMicroseconds(end - start, to: &out)
            out += ",\"name\":"
            out += encoded.slice[request.variant][layer.layer]
            out += ",\"cat\":\"layer\",\"args\":{\"request\":"
            out += String(request.id)
            out += ",\"model\":"
            out += encoded.model[request.variant]
            out += ",\"priority\":"
            out += String(request.priority)
            out += ",\"sample\":"
            out += String(request.sample)
            out += ",\"layer\":"
            out += String(layer.layer)
            let layerName = encoded.layer[request.variant][layer.layer]
            if layerName != "\"\"" {
                out += ",\"layer_name\":"
                out += layerName
            }
            out += "}}"
            trackEnd[layer.accelerator] = end
        }
        // Flows: each binds inside its slice (at the middle), so slices shorter than 2 ns get none.
        var previousOf = [Int](repeating: -1, count: timeline.requests.count)
        var flow = 0
        for (index, layer) in layers.enumerated() {
            let previous = previousOf[layer.position]
            previousOf[layer.position] = index
            guard previous >= 0 else { continue }
            let from = bounds[previous], to = bounds[index]
            guard from.end - from.start >= 2, to.end - to.start >= 2 else { continue }
            flow += 1
            for (phase, tid, ts) in [("s", layers[previous].accelerator + 1, (from.start + from.end) / 2), ("f", layer.accelerator + 1, (to.start + to.end) / 2)] {
                open(phase, tid: tid, ts: ts)
                if phase == "f" { out += "\"bp\":\"e\"," }
                out += "\"id\":"
                out += String(flow)
                out += ",\"name\":\"request "
                out += String(layer.request.id)
                out += "\",\"cat\":\"request\"}"
            }
        }
        out += "\n]}\n"
        return out
    }

    // MARK: Gantt chart

    /// Layers the default Gantt window spans.
    public static let defaultWindowLayers = 50
    /// Most layers one Gantt chart draws.
    public static let maximumGanttLayers = 20_000
    /// Most rows of a chart by request.
    public static let maximumGanttRequests = 400

    /// The default Gantt window (s): the busiest stretch of ``defaultWindowLayers`` layers.
    /// Of every run of that many consecutive layers in start order, the one that holds the most
    /// distinct requests (the earliest of equals) — where the scheduler switches between
    /// requests most, preempts and interleaves, which is what a chart is for; the first layers
    /// of a run mostly show one or two requests with an empty queue. The window goes from that
    /// run's first layer (with the decision delay and switch cost before it) to the end of its
    /// last; other layers that overlap it are drawn too.
    public static func defaultWindow(_ timeline: Timeline) -> (start: Double, end: Double) {
        let layers = timeline.layers()
        guard !layers.isEmpty else { return (0, 0) }
        let order = layers.indices.sorted { (layers[$0].start, $0) < (layers[$1].start, $1) }
        let width = min(defaultWindowLayers, order.count)
        // Slide the run over the layers, counting the layers of each request in it.
        var count: [Int: Int] = [:]
        for index in order.prefix(width) { count[layers[index].position, default: 0] += 1 }
        var best = (first: 0, requests: count.count)
        for first in stride(from: 1, through: order.count - width, by: 1) {
            let leaving = layers[order[first - 1]].position, entering = layers[order[first + width - 1]].position
            count[leaving]! -= 1
            if count[leaving] == 0 { count[leaving] = nil }
            count[entering, default: 0] += 1
            if count.count > best.requests { best = (first, count.count) }
        }
        let run = order[best.first..<(best.first + width)]
        let start = run.map { layers[$0].start - layers[$0].decisionDelay - layers[$0].switchCost }.min()!
        let end = run.map { layers[$0].end }.max()!
        return (max(0, start), end)
    }

    /// An SVG Gantt chart of the layers that ran in `window` (s): one row per accelerator or per
    /// request, bars coloured by model variant (legend), decision delays and switch costs in
    /// grey, time axis in ms. Throws when nothing ran in the window or it holds too much to draw.
    public static func ganttSVG(
        _ timeline: Timeline, names: TimelineNames, window: (start: Double, end: Double), rows: GanttRows, title: String
    ) throws -> String {
        let (w0, w1) = window
        let all = timeline.layers()
        // A layer (with what was charged before it) is drawn when it overlaps the window.
        let shown = all.filter { $0.end > w0 && $0.start - $0.decisionDelay - $0.switchCost < w1 }
        guard !shown.isEmpty else {
            let span = all.isEmpty ? "no layer ran" : "layers ran from \(formatNumber(all.map(\.start).min()!)) to \(formatNumber(all.map(\.end).max()!)) s"
            throw DystaError(setting: "timeline_window", "\(formatNumber(w0)),\(formatNumber(w1)): no layer ran in this window (\(span))")
        }
        guard shown.count <= maximumGanttLayers else {
            throw DystaError(
                "--timeline-window \(formatNumber(w0)),\(formatNumber(w1)): \(shown.count) layers ran in this window; "
                    + "the Gantt chart draws at most \(maximumGanttLayers) — choose a shorter window")
        }
        // Rows.
        var rowLabels: [String] = []
        let rowOf: (Timeline.Layer) -> Int
        var rowRequests: [Request] = []
        switch rows {
        case .accelerator:
            rowLabels = (0..<timeline.accelerators).map { "accelerator \($0)" }
            rowOf = { $0.accelerator }
        case .request:
            var seen = Set<Int>()
            for layer in shown where seen.insert(layer.position).inserted { rowRequests.append(layer.request) }
            rowRequests.sort { $0.id < $1.id }
            guard rowRequests.count <= maximumGanttRequests else {
                throw DystaError(
                    "--timeline-window \(formatNumber(w0)),\(formatNumber(w1)): \(rowRequests.count) requests ran in this window; "
                        + "--timeline-by request draws at most \(maximumGanttRequests) rows — choose a shorter window")
            }
            var rowOfID: [Int: Int] = [:]
            for (row, request) in rowRequests.enumerated() { rowOfID[request.id] = row }
            rowLabels = rowRequests.map { "#\($0.id) \(names.variants[$0.variant])" }
            rowOf = { rowOfID[$0.request.id]! }
        }
        // Geometry.
        let f = SVGPlot.f
        let rowHeight = rows == .accelerator ? 36.0 : 22.0, barHeight = rows == .accelerator ? 26.0 : 16.0
        let longestLabel = rowLabels.map(\.count).max() ?? 10
        let variantsShown = Array(Set(shown.map(\.request.variant))).sorted()
        let longestLegend = (variantsShown.map { names.variants[$0].count } + [14]).max()!
        let left = max(90, 12 + 7 * Double(longestLabel)), right = 44 + 7 * Double(longestLegend), top = 44.0, bottom = 50.0
        let plotWidth = 720.0
        let width = left + plotWidth + right
        let hasDelay = shown.contains { $0.decisionDelay > 0 }
        let hasSwitch = shown.contains { $0.switchCost > 0 }
        let legendEntries = variantsShown.count + (hasDelay ? 1 : 0) + (hasSwitch ? 1 : 0) + (rows == .request ? 2 : 0)
        let plotHeight = Double(rowLabels.count) * rowHeight
        let height = top + max(plotHeight + bottom, Double(legendEntries) * 18 + 8)
        let scale = plotWidth / (w1 - w0)
        func x(_ seconds: Double) -> Double { left + (min(max(seconds, w0), w1) - w0) * scale }
        func rowTop(_ row: Int) -> Double { top + Double(row) * rowHeight + (rowHeight - barHeight) / 2 }

        var svg = """
            <svg xmlns="http://www.w3.org/2000/svg" width="\(Int(width))" height="\(Int(height))" viewBox="0 0 \(Int(width)) \(Int(height))" font-family="Helvetica, Arial, sans-serif" font-size="12">
            <rect width="100%" height="100%" fill="white"/>
            <text x="\(f(left + plotWidth / 2))" y="24" text-anchor="middle" font-size="15" font-weight="bold">\(SVGPlot.escape(title))</text>

            """
        // Time axis (ms) with a light grid.
        let tickValues = SVGPlot.ticks(w0 * 1000, w1 * 1000, count: 8)
        for tick in tickValues {
            let tx = x(tick / 1000)
            svg += "<line x1=\"\(f(tx))\" y1=\"\(f(top))\" x2=\"\(f(tx))\" y2=\"\(f(top + plotHeight))\" stroke=\"#e0e0e0\"/>\n"
            svg += "<line x1=\"\(f(tx))\" y1=\"\(f(top + plotHeight))\" x2=\"\(f(tx))\" y2=\"\(f(top + plotHeight + 5))\" stroke=\"black\"/>\n"
            svg += "<text x=\"\(f(tx))\" y=\"\(f(top + plotHeight + 19))\" text-anchor=\"middle\">\(SVGPlot.label(tick))</text>\n"
        }
        svg += "<text x=\"\(f(left + plotWidth / 2))\" y=\"\(f(top + plotHeight + bottom - 10))\" text-anchor=\"middle\">time (ms)</text>\n"
        for (row, label) in rowLabels.enumerated() {
            let y = rowTop(row) + barHeight / 2 + 4
            svg += "<text x=\"\(f(left - 8))\" y=\"\(f(y))\" text-anchor=\"end\">\(SVGPlot.escape(label))</text>\n"
        }
        // Bars: what was charged before each layer, then the layer.
        let delayColor = "#9E9E9E", switchColor = "#D0D0D0"
        svg += "<g class=\"layers\">\n"
        for layer in shown {
            let y = rowTop(rowOf(layer))
            let decided = layer.start - layer.decisionDelay
            if layer.switchCost > 0 {
                svg += bar(x(decided - layer.switchCost), x(decided), y, barHeight, fill: switchColor, f: f)
            }
            if layer.decisionDelay > 0 {
                svg += bar(x(decided), x(layer.start), y, barHeight, fill: delayColor, f: f)
            }
            if layer.end > w0 && layer.start < w1 {
                let title = "request \(layer.request.id) \(names.slice(layer.layer, of: layer.request.variant)): "
                    + "\(formatNumber(layer.start * 1000))–\(formatNumber(layer.end * 1000)) ms on accelerator \(layer.accelerator)"
                svg += bar(x(layer.start), x(layer.end), y, barHeight, fill: SVGPlot.color(layer.request.variant), f: f, title: title)
            }
        }
        svg += "</g>\n"
        // Request ids over each stretch of back-to-back layers of one request (when wide enough).
        if rows == .accelerator {
            var stretches: [(row: Int, id: Int, from: Double, to: Double)] = []
            var open = [Int](repeating: -1, count: rowLabels.count)
            for layer in shown where layer.end > w0 && layer.start < w1 {
                let row = rowOf(layer)
                if open[row] >= 0 && stretches[open[row]].id == layer.request.id && stretches[open[row]].to == layer.start
                    && layer.decisionDelay == 0 && layer.switchCost == 0
                {
                    stretches[open[row]].to = layer.end
                } else {
                    open[row] = stretches.count
                    stretches.append((row, layer.request.id, layer.start, layer.end))
                }
            }
            svg += "<g class=\"request-ids\" font-size=\"10\" fill=\"white\">\n"
            for stretch in stretches where x(stretch.to) - x(stretch.from) >= 26 {
                let cx = (x(stretch.from) + x(stretch.to)) / 2
                svg += "<text x=\"\(f(cx))\" y=\"\(f(rowTop(stretch.row) + barHeight / 2 + 3.5))\" text-anchor=\"middle\">#\(stretch.id)</text>\n"
            }
            svg += "</g>\n"
        } else {
            // Arrival (black) and deadline (red) marks on each request's row.
            svg += "<g class=\"marks\">\n"
            for (row, request) in rowRequests.enumerated() {
                let y = rowTop(row)
                if request.arrival >= w0 && request.arrival <= w1 {
                    svg += "<line x1=\"\(f(x(request.arrival)))\" y1=\"\(f(y - 2))\" x2=\"\(f(x(request.arrival)))\" y2=\"\(f(y + barHeight + 2))\" stroke=\"black\" stroke-width=\"1.5\"/>\n"
                }
                if request.deadline >= w0 && request.deadline <= w1 {
                    svg += "<line x1=\"\(f(x(request.deadline)))\" y1=\"\(f(y - 2))\" x2=\"\(f(x(request.deadline)))\" y2=\"\(f(y + barHeight + 2))\" stroke=\"#D00000\" stroke-width=\"1.5\" stroke-dasharray=\"3,2\"/>\n"
                }
            }
            svg += "</g>\n"
        }
        svg += "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(plotWidth))\" height=\"\(f(plotHeight))\" fill=\"none\" stroke=\"black\"/>\n"
        // Legend.
        var entries: [(String, String)] = variantsShown.map { (names.variants[$0], SVGPlot.color($0)) }
        if hasDelay { entries.append(("decision delay", delayColor)) }
        if hasSwitch { entries.append(("context switch", switchColor)) }
        let lx = left + plotWidth + 14
        svg += "<g class=\"legend\">\n"
        for (index, entry) in entries.enumerated() {
            let y = top + 10 + Double(index) * 18
            svg += "<rect x=\"\(f(lx + 4))\" y=\"\(f(y - 6))\" width=\"14\" height=\"12\" fill=\"\(entry.1)\"/>\n"
            svg += "<text x=\"\(f(lx + 24))\" y=\"\(f(y + 4))\">\(SVGPlot.escape(entry.0))</text>\n"
        }
        if rows == .request {
            for (offset, entry) in [("arrival", "black"), ("deadline", "#D00000")].enumerated() {
                let y = top + 10 + Double(entries.count + offset) * 18
                let dash = entry.0 == "deadline" ? " stroke-dasharray=\"3,2\"" : ""
                svg += "<line x1=\"\(f(lx + 11))\" y1=\"\(f(y - 7))\" x2=\"\(f(lx + 11))\" y2=\"\(f(y + 7))\" stroke=\"\(entry.1)\" stroke-width=\"1.5\"\(dash)/>\n"
                svg += "<text x=\"\(f(lx + 24))\" y=\"\(f(y + 4))\">\(entry.0)</text>\n"
            }
        }
        svg += "</g>\n"
        return svg + "</svg>\n"
    }

    /// One bar from `x0` to `x1` (at least half a pixel wide, so short layers stay visible).
    static func bar(_ x0: Double, _ x1: Double, _ y: Double, _ height: Double, fill: String, f: (Double) -> String, title: String? = nil)
        -> String
    {
        let width = max(x1 - x0, 0.5)
        // A thin white outline separates back-to-back layers; very short bars go without.
        let outline = width >= 4 ? " stroke=\"white\" stroke-width=\"0.5\"" : ""
        let rect = "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(width))\" height=\"\(f(height))\" fill=\"\(fill)\"\(outline)"
        guard let title else { return rect + "/>\n" }
        return rect + "><title>\(SVGPlot.escape(title))</title></rect>\n"
    }
}
