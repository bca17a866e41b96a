import DystaParsing
import DystaCore
import DystaReports
import DystaSimulation
import Foundation

/// Writes and reads sweep results: `runs.csv` (one row per cell and seed), `summary.csv`
/// (mean and 95% CI per cell), their JSON twins and `config.json` (the resolved grid).
public enum SweepOutput {
    static let keyColumns = ["workload", "rate", "load", "slo", "predictor", "alpha", "beta", "scheduler"]

    /// The key columns; grids that replay request tables have a `replay` column after `workload`.
    static func keyColumns(replay: Bool) -> [String] { replay ? ["workload", "replay"] + keyColumns.dropFirst() : keyColumns }

    /// The header of `runs.csv` (of a grid without replayed tables).
    public static var runsHeader: [String] { runsHeader(replay: false) }

    /// The header of `runs.csv`, with the `replay` column when the grid replays tables.
    public static func runsHeader(replay: Bool) -> [String] { ["job"] + keyColumns(replay: replay) + ["seed", "requests"] + RunMetrics.names }

    /// `runs.csv` text, rows sorted by job (`replay`: the grid replays tables).
    public static func runsCSV(_ runs: [SweepRun], replay: Bool = false) -> String {
        var text = runsHeader(replay: replay).joined(separator: ",") + "\n"
        for run in runs.sorted(by: { $0.job < $1.job }) { text += runLine(run) }
        return text
    }

    /// One row of `runs.csv`, with its line end.
    public static func runLine(_ run: SweepRun) -> String {
        var cells = [String(run.job)] + key(run).map(csvField) + [String(run.seed), String(run.metrics.count)]
        cells += run.metrics.values.map { $0.map(formatNumber) ?? "" }
        return cells.joined(separator: ",") + "\n"
    }

    /// The key fields; a replayed run has its table and no SLO multiplier (targets come from the table).
    static func key(_ run: SweepRun) -> [String] {
        [run.cell.workload] + (run.cell.replay.map { [$0] } ?? []) + [
            formatNumber(run.rate), formatNumber(run.load), run.cell.replay == nil ? formatNumber(run.cell.slo) : "", run.cell.predictor,
            formatNumber(run.cell.alpha), formatNumber(run.cell.beta), run.cell.scheduler,
        ]
    }

    /// Per-cell summaries in cell order.
    public static func summaries(_ runs: [SweepRun]) -> [(first: SweepRun, seeds: Int, summaries: [SeedSummary])] {
        var groups: [Int: [SweepRun]] = [:]
        for run in runs { groups[run.cell.index, default: []].append(run) }
        return groups.keys.sorted().map { index in
            let members = groups[index]!.sorted { $0.job < $1.job }
            let summaries = RunMetrics.names.indices.map { metric in SeedSummary(members.map { $0.metrics.values[metric] }) }
            return (members[0], members.count, summaries)
        }
    }

    /// `summary.csv` text (`replay`: the grid replays tables).
    public static func summaryCSV(_ runs: [SweepRun], replay: Bool = false) -> String {
        var header = ["cell"] + keyColumns(replay: replay) + ["seeds"]
        for name in RunMetrics.names { header += [name, name + "_ci95"] }
        var lines = [header.joined(separator: ",")]
        for (first, seeds, summaries) in summaries(runs) {
            var cells = [String(first.cell.index)] + key(first).map(csvField) + [String(seeds)]
            for summary in summaries {
                cells.append(summary.mean.map(formatNumber) ?? "")
                cells.append(summary.halfWidth.map(formatNumber) ?? "")
            }
            lines.append(cells.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }

    static func keyJSON(_ run: SweepRun) -> [(String, JSONValue)] {
        [("workload", .string(run.cell.workload))] + (run.cell.replay.map { [("replay", JSONValue.string($0))] } ?? []) + [
            ("rate", .number(run.rate)), ("load", .number(run.load)),
            ("slo", run.cell.replay == nil ? .number(run.cell.slo) : .optional(nil)), ("predictor", .string(run.cell.predictor)),
            ("alpha", .number(run.cell.alpha)), ("beta", .number(run.cell.beta)), ("scheduler", .string(run.cell.scheduler)),
        ]
    }

    /// `runs.json` text.
    public static func runsJSON(_ runs: [SweepRun]) -> String {
        let rows: [JSONValue] = runs.sorted { $0.job < $1.job }.map { run in
            .object([("job", .integer(run.job))] + keyJSON(run) + [("seed", .integer(Int(run.seed)))]
                + zip(RunMetrics.names, run.metrics.values).map { ($0.0, JSONValue.optional($0.1)) })
        }
        return JSONValue.array(rows).rendered() + "\n"
    }

    /// `summary.json` text.
    public static func summaryJSON(_ runs: [SweepRun]) -> String {
        let rows: [JSONValue] = summaries(runs).map { first, seeds, summaries in
            .object([("cell", .integer(first.cell.index))] + keyJSON(first) + [("seeds", .integer(seeds))]
                + zip(RunMetrics.names, summaries).map {
                    ($0.0, JSONValue.object([("mean", .optional($0.1.mean)), ("ci95", .optional($0.1.halfWidth))]))
                })
        }
        return JSONValue.array(rows).rendered() + "\n"
    }

    /// The result files of a grid's runs (name, text), in the order they are written.
    public static func files(_ runs: [SweepRun], grid: SweepGrid, shard: Shard) -> [(String, String)] {
        let replay = grid.replay != nil
        return [
            ("config.json", grid.json()),
            ("shard.txt", shard.description + "\n"),
            ("runs.csv", runsCSV(runs, replay: replay)),
            ("runs.json", runsJSON(runs)),
            ("summary.csv", summaryCSV(runs, replay: replay)),
            ("summary.json", summaryJSON(runs)),
        ]
    }

    /// Writes every output file into `directory` (created if needed); each file is written
    /// under a temporary name and renamed, so a file is either absent, old or complete.
    public static func write(_ runs: [SweepRun], grid: SweepGrid, shard: Shard, to directory: URL) throws {
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw DystaError("cannot create the output directory", file: directory.path)
        }
        for (name, text) in files(runs, grid: grid, shard: shard) {
            try writeAtomically(text, to: directory.appendingPathComponent(name))
        }
    }

    /// Writes a file under a temporary name in the same folder, flushes it to disk and renames it.
    static func writeAtomically(_ text: String, to url: URL) throws {
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tmp")
        let fd = open(temporary.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw DystaError("cannot write file", file: temporary.path) }
        let bytes = Array(text.utf8)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
            guard count > 0 else {
                close(fd)
                throw DystaError("cannot write file (disk full?)", file: temporary.path)
            }
            written += count
        }
        fsync(fd)
        close(fd)
        guard rename(temporary.path, url.path) == 0 else { throw DystaError("cannot rename \(temporary.lastPathComponent) to \(url.lastPathComponent)", file: url.path) }
    }

    /// Reads the runs of a sweep output directory (written by ``write(_:grid:shard:to:)``).
    public static func read(_ directory: URL) throws -> (grid: SweepGrid, runs: [SweepRun]) {
        let grid = try SweepGrid.read(directory.appendingPathComponent("config.json"))
        let finished = directory.appendingPathComponent("runs.csv")
        if !FileManager.default.fileExists(atPath: finished.path),
            FileManager.default.fileExists(atPath: directory.appendingPathComponent(SweepStore.journalName).path)
        {
            throw DystaError("this sweep has not finished (runs.partial.csv, no runs.csv): rerun its dysta sweep command", file: directory.path)
        }
        let table = try CSVTable(contentsOf: finished)
        return (grid, try runs(in: table, grid: grid))
    }

    /// The runs in a table of `runs.csv` rows of `grid`, checked against it.
    static func runs(in table: CSVTable, grid: SweepGrid) throws -> [SweepRun] {
        let cells = grid.cells
        let header = runsHeader(replay: grid.replay != nil)
        guard table.header == header else {
            throw DystaError("the header is not \(header.joined(separator: ","))", file: table.path, line: 1)
        }
        let column = Dictionary(uniqueKeysWithValues: header.enumerated().map { ($1, $0) })
        var runs: [SweepRun] = []
        for row in 0..<table.rowCount {
            let job = try table.index(row: row, column: 0)
            let cellIndex = job / grid.seeds.count
            guard cellIndex < cells.count else {
                throw DystaError("job \(job) is outside the grid of config.json", file: table.path, line: table.lineNumbers[row])
            }
            let seed = grid.seeds[job % grid.seeds.count]
            guard table[row: row, column: column["seed"]!] == String(seed), table[row: row, column: column["scheduler"]!] == cells[cellIndex].scheduler,
                table[row: row, column: column["workload"]!] == cells[cellIndex].workload
            else {
                throw DystaError("job \(job) does not match config.json", file: table.path, line: table.lineNumbers[row])
            }
            let values = try RunMetrics.names.map { name -> Double? in
                let index = column[name]!
                return table[row: row, column: index].isEmpty ? nil : try table.number(row: row, column: index)
            }
            runs.append(
                SweepRun(
                    job: job, cell: cells[cellIndex], seed: seed, rate: try table.number(row: row, column: column["rate"]!),
                    load: try table.number(row: row, column: column["load"]!),
                    metrics: RunMetrics(count: try table.index(row: row, column: column["requests"]!), values: values)))
        }
        return runs
    }

    /// Combines shard directories: same grid, no job twice, every job present.
    public static func merge(_ directories: [URL]) throws -> (grid: SweepGrid, runs: [SweepRun]) {
        guard let first = directories.first else { throw DystaError("dysta merge needs at least one directory") }
        let (grid, firstRuns) = try read(first)
        var runs = firstRuns
        for directory in directories.dropFirst() {
            let (other, more) = try read(directory)
            guard other == grid else {
                throw DystaError("its config.json differs from \(first.path)'s: shards must come from one grid", file: directory.appendingPathComponent("config.json").path)
            }
            runs += more
        }
        var seen = Set<Int>()
        for run in runs where !seen.insert(run.job).inserted {
            throw DystaError("job \(run.job) appears in two shards")
        }
        let expected = grid.cells.count * grid.seeds.count
        if seen.count != expected {
            let missing = (0..<expected).first { !seen.contains($0) } ?? 0
            throw DystaError("the shards hold \(seen.count) of \(expected) jobs (first missing: job \(missing)); run the missing shards")
        }
        return (grid, runs.sorted { $0.job < $1.job })
    }
}
