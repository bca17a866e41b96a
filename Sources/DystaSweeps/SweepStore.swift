import DystaParsing
import DystaCore
import DystaReports
import DystaSimulation
import Foundation

/// A sweep's output folder while the sweep runs: crash-safe and resumable.
///
/// Each finished run is appended to `runs.partial.csv` (the `runs.csv` header, then one row per
/// run in the order runs finish) as one complete line with a single `write(2)`, so a killed
/// sweep leaves whole rows (at most a torn last line, which is dropped on the next start). The
/// journal is flushed to disk (`fsync`) at most once per ``syncInterval``, so a power loss
/// costs at most the runs of the last second (they run again); `fsync` after every row cost
/// about 1.7 ms per run on the development machine (docs/experiments.md). A rerun with the same grid into the same folder reads those rows (and a
/// finished `runs.csv`) back, runs only the missing jobs, and writes the result files as an
/// uninterrupted run would: numbers are written in shortest round-trip form, so rows read back
/// give the same bytes. A folder holding another grid's `config.json` (or another shard's
/// `shard.txt`) is refused.
public final class SweepStore: @unchecked Sendable {
    /// The journal of finished runs, removed when the result files are written.
    public static let journalName = "runs.partial.csv"

    public let directory: URL
    public let grid: SweepGrid
    public let shard: Shard
    /// Runs found in the folder from an earlier run (job order).
    public let earlier: [SweepRun]

    private let lock = NSLock()
    private var descriptor: Int32 = -1
    private var recordedCount = 0
    private var lastSync: UInt64 = 0

    /// Nanoseconds at least between two flushes of the journal to disk.
    public static let syncInterval: UInt64 = 1_000_000_000

    var journal: URL { directory.appendingPathComponent(Self.journalName) }

    /// Checks the folder (if it exists) against the grid and reads the runs it already holds;
    /// writes nothing (see ``begin()``).
    public init(directory: URL, grid: SweepGrid, shard: Shard) throws {
        self.directory = directory
        self.grid = grid
        self.shard = shard
        try Self.check(directory, grid: grid, shard: shard)
        var runs: [Int: SweepRun] = [:]
        let manager = FileManager.default
        let finished = directory.appendingPathComponent("runs.csv")
        if manager.fileExists(atPath: finished.path) {
            for run in try SweepOutput.runs(in: CSVTable(contentsOf: finished), grid: grid) { runs[run.job] = run }
        }
        let journal = directory.appendingPathComponent(Self.journalName)
        if let data = manager.contents(atPath: journal.path) {
            for run in try Self.journalRuns(data, path: journal.path, grid: grid) where runs[run.job] == nil { runs[run.job] = run }
        }
        for run in runs.values where !shard.contains(run.job) {
            throw DystaError("job \(run.job) is not part of shard \(shard)", file: directory.path)
        }
        earlier = runs.keys.sorted().map { runs[$0]! }
    }

    deinit { if descriptor >= 0 { close(descriptor) } }

    /// Refuses a folder that holds another grid's or another shard's results.
    public static func check(_ directory: URL, grid: SweepGrid, shard: Shard) throws {
        let manager = FileManager.default
        let config = directory.appendingPathComponent("config.json")
        if let data = manager.contents(atPath: config.path) {
            guard data == Data(grid.json().utf8) else {
                throw DystaError(
                    "holds the results of another grid (its config.json differs): give another --out, or remove the folder to start over",
                    file: directory.path)
            }
            let shardFile = directory.appendingPathComponent("shard.txt")
            if let text = manager.contents(atPath: shardFile.path), text != Data((shard.description + "\n").utf8) {
                let held = String(decoding: text, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                throw DystaError("holds shard \(held) of this grid, not \(shard): give another output folder", file: directory.path)
            }
        } else {
            for name in ["runs.csv", journalName] where manager.fileExists(atPath: directory.appendingPathComponent(name).path) {
                throw DystaError("holds \(name) but no config.json: give another output folder, or remove the folder", file: directory.path)
            }
        }
    }

    /// The complete rows of a journal: a torn last line (no line end) is left out.
    static func journalRuns(_ data: Data, path: String, grid: SweepGrid) throws -> [SweepRun] {
        guard let end = data.lastIndex(of: 0x0A) else { return [] }
        let complete = data[data.startIndex...end]
        let table = try CSVTable(data: Data(complete), path: path)
        return try SweepOutput.runs(in: table, grid: grid)
    }

    /// Creates the folder, writes `config.json` and `shard.txt`, and opens the journal for
    /// appending (dropping a torn last line, writing the header into a new journal).
    public func begin() throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DystaError("cannot create the output directory", file: directory.path)
        }
        let files = SweepOutput.files([], grid: grid, shard: shard)
        for (name, text) in files.prefix(2) {
            let url = directory.appendingPathComponent(name)
            if FileManager.default.contents(atPath: url.path) != Data(text.utf8) { try SweepOutput.writeAtomically(text, to: url) }
        }
        let data = FileManager.default.contents(atPath: journal.path) ?? Data()
        let keep = data.lastIndex(of: 0x0A).map { $0 - data.startIndex + 1 } ?? 0
        descriptor = open(journal.path, O_WRONLY | O_CREAT | O_APPEND, 0o644)
        guard descriptor >= 0 else { throw DystaError("cannot write file", file: journal.path) }
        if keep < data.count { guard ftruncate(descriptor, off_t(keep)) == 0 else { throw DystaError("cannot truncate a torn last line", file: journal.path) } }
        if keep == 0 { try append(SweepOutput.runsHeader(replay: grid.replay != nil).joined(separator: ",") + "\n") }
    }

    /// Appends one finished run to the journal (one write, then fsync); thread-safe.
    public func record(_ run: SweepRun) throws {
        lock.lock()
        defer { lock.unlock() }
        try append(SweepOutput.runLine(run))
        recordedCount += 1
    }

    /// Runs recorded by this process.
    public var recorded: Int {
        lock.lock()
        defer { lock.unlock() }
        return recordedCount
    }

    /// Calls `body` with the number of runs recorded by this process, while no journal line is
    /// being written (for a signal handler that exits).
    public func whileNotWriting<T>(_ body: (_ recorded: Int) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(recordedCount)
    }

    private func append(_ line: String) throws {
        let bytes = Array(line.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { throw DystaError("cannot append to the journal (disk full?)", file: journal.path) }
            written += count
        }
        let now = DispatchTime.now().uptimeNanoseconds
        if now - lastSync >= Self.syncInterval {
            fsync(descriptor)
            lastSync = now
        }
    }

    /// Writes the result files from the earlier runs and `runs` (this run's), then removes the
    /// journal; returns every run in job order.
    @discardableResult
    public func finish(_ runs: [SweepRun]) throws -> [SweepRun] {
        var all = Dictionary(earlier.map { ($0.job, $0) }, uniquingKeysWith: { first, _ in first })
        for run in runs where all[run.job] == nil { all[run.job] = run }
        let sorted = all.keys.sorted().map { all[$0]! }
        try SweepOutput.write(sorted, grid: grid, shard: shard, to: directory)
        lock.lock()
        if descriptor >= 0 {
            close(descriptor)
            descriptor = -1
        }
        lock.unlock()
        if FileManager.default.fileExists(atPath: journal.path) {
            do { try FileManager.default.removeItem(at: journal) } catch { throw DystaError("cannot remove the journal", file: journal.path) }
        }
        return sorted
    }
}
