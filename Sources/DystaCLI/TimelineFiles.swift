import ArgumentParser
import DystaCore
import DystaReports
import DystaSimulation

extension GanttRows: ExpressibleByArgument {}

/// What `--timeline`, `--timeline-window` and `--timeline-by` ask for, checked before any run.
struct TimelineFiles {
    /// The file-name prefix.
    let prefix: String
    /// The Gantt window (s), or nil for the default.
    let window: (start: Double, end: Double)?
    /// The Gantt chart's rows.
    let rows: GanttRows
    /// Model and layer names.
    let names: TimelineNames
    /// Whether several (scheduler, seed) runs share the prefix (their names go into the file names).
    let several: Bool

    /// Checks the options; nil when no timeline is asked for.
    init?(prefix: String?, window: String?, rows: GanttRows?, names: TimelineNames, schedulers: [String], seeds: [UInt64]) throws {
        guard let prefix else {
            if window != nil { throw DystaError("--timeline-window needs --timeline PREFIX") }
            if rows != nil { throw DystaError("--timeline-by needs --timeline PREFIX") }
            return nil
        }
        guard !prefix.isEmpty, prefix != "-" else { throw DystaError("--timeline needs a file-name prefix (got '\(prefix)')") }
        self.prefix = prefix
        if let window {
            let values = try parseNumbers(window, flag: "timeline-window", valid: { $0.isFinite && $0 >= 0 }, expected: "a number of seconds ≥ 0")
            guard values.count == 2, values[0] < values[1] else {
                throw DystaError("--timeline-window '\(window)': expected START,END in seconds with START < END")
            }
            self.window = (values[0], values[1])
        } else {
            self.window = nil
        }
        self.rows = rows ?? .accelerator
        self.names = names
        several = schedulers.count * seeds.count > 1
        if several {
            var seen: [String: String] = [:]
            for name in schedulers {
                let key = Self.fileName(name)
                if let other = seen[key] {
                    throw DystaError("--timeline: schedulers '\(other)' and '\(name)' would write the same files (\(prefix)-\(key)-…); list each once")
                }
                seen[key] = name
            }
        }
    }

    /// A scheduler name made safe for a file name: characters other than letters, digits, `.`,
    /// `-` and `_` become `_` (`dysta-hw[preset=w16]` → `dysta-hw_preset_w16_`).
    static func fileName(_ scheduler: String) -> String {
        String(scheduler.map { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") ? $0 : "_" })
    }

    /// The four paths of one run: layers CSV, requests CSV, Perfetto JSON, Gantt SVG.
    func paths(scheduler: String, seed: UInt64) -> (layers: String, requests: String, perfetto: String, gantt: String) {
        let stem = several ? "\(prefix)-\(Self.fileName(scheduler))-seed\(seed)" : prefix
        return ("\(stem)-layers.csv", "\(stem)-requests.csv", "\(stem).perfetto.json", "\(stem)-gantt.svg")
    }

    /// Seconds as milliseconds rounded to the microsecond, for titles.
    static func milliseconds(_ seconds: Double) -> String { formatNumber((seconds * 1e6).rounded() / 1000) }

    /// Writes the four files of one run.
    func write(_ outcome: Comparison.Outcome) throws {
        guard let timeline = outcome.run.timeline else { throw DystaError("internal error: the run kept no timeline") }
        let paths = paths(scheduler: outcome.scheduler, seed: outcome.seed)
        let title = "\(outcome.scheduler), seed \(outcome.seed)"
        let window = self.window ?? TimelineOutput.defaultWindow(timeline)
        // The chart first: a window that shows nothing stops before any file is written.
        let gantt = try TimelineOutput.ganttSVG(
            timeline, names: names, window: window, rows: rows,
            title: "\(title): \(Self.milliseconds(window.start))–\(Self.milliseconds(window.end)) ms")
        try DystaCLI.write(TimelineOutput.layersCSV(timeline, names: names), to: paths.layers)
        try DystaCLI.write(TimelineOutput.requestsCSV(timeline, names: names), to: paths.requests)
        try DystaCLI.write(TimelineOutput.perfettoJSON(timeline, names: names, title: "dysta: \(title)"), to: paths.perfetto)
        try DystaCLI.write(gantt, to: paths.gantt)
    }
}
