import ArgumentParser
import DystaCore
import Foundation

/// Progress on stderr: a bar redrawn in place on a terminal; on anything else (a pipe, a batch
/// log) plain lines with counts, elapsed time and an ETA, rate-limited; nothing when quiet.
///
/// A line is printed when at least `interval` seconds passed since the previous one and either
/// another tenth of the work was done or `12 × interval` seconds passed (so a long run still
/// shows it is alive). The terminal bar is redrawn when the percentage changes.
final class Progress: @unchecked Sendable {
    enum Mode { case quiet, bar, lines }

    let mode: Mode
    let interval: Double
    private let lock = NSLock()
    private var label: String
    private var start = Date()
    private var lastLine: Date
    private var lastTenth = 0
    private var lastPercent = -1
    /// Whether any progress was shown (for commands that print a closing line only then).
    private(set) var shown = false
    /// Units done before this process started (a resumed sweep): counted in `done`, not in the ETA.
    var alreadyDone = 0

    init(quiet: Bool, label: String, interval: Double = 5, terminal: Bool = isatty(STDERR_FILENO) == 1) {
        mode = quiet ? .quiet : terminal ? .bar : .lines
        self.interval = interval
        self.label = label
        lastLine = start
    }

    /// Starts counting again under another label (e.g. the next item of `reproduce`).
    func restart(label: String) {
        lock.lock()
        defer { lock.unlock() }
        self.label = label
        start = Date()
        lastLine = start
        lastTenth = 0
        lastPercent = -1
    }

    /// `done` of `total` units of work are finished; may be called from any thread.
    func update(_ done: Int, _ total: Int, unit: String = "runs") {
        guard mode != .quiet, total > 0 else { return }
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        let elapsed = now.timeIntervalSince(start)
        let doneHere = done - alreadyDone
        let eta = doneHere > 0 && done < total ? "ETA " + Self.duration(elapsed / Double(doneHere) * Double(total - done)) : ""
        let percent = done * 100 / total
        switch mode {
        case .quiet: return
        case .bar:
            guard percent != lastPercent || done == total else { return }
            lastPercent = percent
            let width = 30
            let filled = done * width / total
            let bar = String(repeating: "#", count: filled) + String(repeating: ".", count: width - filled)
            let end = done == total ? "\n" : ""
            Self.write("\r\(label) [\(bar)] \(done)/\(total) \(unit) \(eta)   \(end)")
            shown = true
        case .lines:
            let tenth = done * 10 / total
            let since = now.timeIntervalSince(lastLine)
            guard since >= interval, tenth > lastTenth || since >= 12 * interval, done < total else { return }
            lastTenth = tenth
            lastLine = now
            Self.write("\(label): \(done)/\(total) \(unit) (\(percent)%), \(Self.duration(elapsed)) elapsed, \(eta)\n")
            shown = true
        }
    }

    /// The closing line (any mode but quiet).
    func finish(_ text: String) {
        guard mode != .quiet else { return }
        Self.write(text + "\n")
    }

    /// A short human duration: `8.2 s`, `12 min`, `1.5 h`.
    static func duration(_ seconds: Double) -> String {
        if seconds < 90 { return String(format: "%.1f s", seconds) }
        if seconds < 5400 { return String(format: "%.1f min", seconds / 60) }
        return String(format: "%.1f h", seconds / 3600)
    }

    static func write(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}

/// The options every long-running command shares for progress reporting.
struct ProgressOptions: ParsableArguments {
    @Flag(help: "No progress bar or progress lines, and no closing summary line on stderr.")
    var quiet = false

    @Option(help: ArgumentHelp("When stderr is not a terminal: the minimum time between two progress lines, in seconds; a line comes when another tenth of the work is done or after 12 intervals without one.", valueName: "seconds"))
    var progressInterval: Double = 5

    /// Checks the values (called from `run`, so errors are one line like every other).
    func check() throws {
        guard progressInterval >= 0, progressInterval.isFinite else {
            throw DystaError("--progress-interval must be a number of seconds ≥ 0 (got \(progressInterval))")
        }
    }

    func progress(_ label: String) -> Progress { Progress(quiet: quiet, label: label, interval: progressInterval) }
}
