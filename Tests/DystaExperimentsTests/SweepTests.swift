import DystaSweeps
import DystaCore
import DystaExperiments
import DystaTestSupport
import Foundation
import Testing

/// Writes `text` as `grid.json` in `directory` and reads it as an experiment file.
func parseGrid(_ text: String, in directory: URL) throws -> SweepGrid {
    let url = directory.appendingPathComponent("grid.json")
    try Data(text.utf8).write(to: url)
    return try SweepGrid.read(url)
}

@Suite("Sweeps", .serialized)
struct SweepTests {
    let grid = SweepGrid(
        workloads: ["attention"], loads: [0.6, 1.1], slos: [5, 20], schedulers: ["fcfs", "sjf-sparse", "prema", "dysta"],
        seeds: [1, 2, 3], requests: 200)

    @Test func resultsDoNotDependOnThreadsOrShards() throws {
        let one = try Sweep(grid: grid, threads: 1).run()
        let two = try Sweep(grid: grid, threads: 2).run()
        let eight = try Sweep(grid: grid, threads: 8).run()
        let reference = SweepOutput.runsCSV(one)
        #expect(one.count == 2 * 2 * 4 * 3)
        #expect(SweepOutput.runsCSV(two) == reference)
        #expect(SweepOutput.runsCSV(eight) == reference)

        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var shardDirectories: [URL] = []
        for index in 1...3 {
            let shard = Shard(index: index, count: 3)
            let runs = try Sweep(grid: grid, shard: shard, threads: 2).run()
            #expect(runs.allSatisfy { shard.contains($0.job) })
            let directory = root.appendingPathComponent("shard\(index)")
            try SweepOutput.write(runs, grid: grid, shard: shard, to: directory)
            shardDirectories.append(directory)
        }
        let whole = root.appendingPathComponent("whole")
        try SweepOutput.write(one, grid: grid, shard: .whole, to: whole)
        let (mergedGrid, mergedRuns) = try SweepOutput.merge(shardDirectories)
        let merged = root.appendingPathComponent("merged")
        try SweepOutput.write(mergedRuns, grid: mergedGrid, shard: .whole, to: merged)
        for file in ["runs.csv", "runs.json", "summary.csv", "summary.json", "config.json", "shard.txt"] {
            let a = try Data(contentsOf: whole.appendingPathComponent(file))
            let b = try Data(contentsOf: merged.appendingPathComponent(file))
            #expect(a == b, "\(file)")
        }
        // A missing shard is an error naming the first missing job.
        #expect { try SweepOutput.merge(Array(shardDirectories.prefix(2))) } throws: { "\($0)".contains("first missing: job 2") }
        #expect { try SweepOutput.merge([shardDirectories[0], shardDirectories[0]]) } throws: { "\($0)".contains("appears in two shards") }
    }

    @Test func summariesAggregateSeedsWithStudentT() throws {
        let runs = try Sweep(grid: grid, threads: 2).run()
        let summaries = SweepOutput.summaries(runs)
        #expect(summaries.count == grid.cells.count)
        let (first, seeds, values) = summaries[0]
        #expect(seeds == 3)
        let antts = runs.filter { $0.cell.index == first.cell.index }.map { $0.metrics.antt! }
        let mean = antts.reduce(0, +) / 3
        #expect(abs(values[1].mean! - mean) < 1e-12)
        let sd = (antts.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 2).squareRoot()
        #expect(abs(values[1].halfWidth! - 4.302652730 * sd / 3.0.squareRoot()) < 1e-9)
        // Loads become rates through the workload's mean isolated latency; all seeds share the rate.
        #expect(Set(runs.filter { $0.cell.index == 0 }.map(\.rate)).count == 1)
        #expect(runs.allSatisfy { abs($0.load - ($0.cell.arrival)) < 1e-9 })
    }

    @Test func experimentFilesParseAndBadOnesNameTheProblem() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func parse(_ text: String) throws -> SweepGrid { try parseGrid(text, in: directory) }
        let good = try parse(#"{"workloads": ["cnn"], "rates": [3, 4], "slos": [10, 25], "schedulers": ["dysta"], "seeds": [1, 2]}"#)
        #expect(good.rates == [3, 4] && good.betas == [0.01] && good.requests == 1000 && good.cells.count == 4)
        let cases: [(String, String)] = [
            (#"{"workloads": ["cnn"], "schedulers": ["dysta"]}"#, "give 'rates' or 'loads'"),
            (#"{"workloads": ["cnn"], "rates": [1], "loads": [1], "schedulers": ["dysta"]}"#, "not both"),
            (#"{"workloads": ["cnn"], "rates": [0], "schedulers": ["dysta"]}"#, "must be positive"),
            (#"{"workloads": ["cnn"], "rates": [1], "schedulers": ["dysta"], "slo": [3]}"#, "unknown key 'slo'"),
            (#"{"workloads": ["cnn"], "rates": ["fast"], "schedulers": ["dysta"]}"#, ".rates[0]: expected"),
            (#"{"rates": [1], "schedulers": ["dysta"]}"#, "missing key 'workloads'"),
            (#"{"workloads": [], "rates": [1], "schedulers": ["dysta"]}"#, "'workloads' is empty"),
            (#"{"workloads": ["cnn"], "rates": [1], "schedulers": ["dysta"], "semantics": "strict"}"#, "semantics 'strict'"),
            ("{not json", "not valid JSON"),
        ]
        for (text, message) in cases {
            #expect { try parse(text) } throws: { error in
                let description = "\(error)"
                return description.contains("grid.json") && description.contains(message)
            }
        }
    }

    @Test func yamlExperimentFilesGiveTheSameGrid() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let yaml = directory.appendingPathComponent("grid.yaml")
        try Data("workloads: [cnn]\nrates: [3, 4]\nslos: [10, 25]\nschedulers:\n  - dysta\n  - sjf\nseeds: [1, 2]\n".utf8).write(to: yaml)
        let json = directory.appendingPathComponent("grid.json")
        try Data(#"{"workloads": ["cnn"], "rates": [3, 4], "slos": [10, 25], "schedulers": ["dysta", "sjf"], "seeds": [1, 2]}"#.utf8).write(to: json)
        #expect(try SweepGrid.read(yaml) == SweepGrid.read(json))
        try Data("workloads: [cnn]\nrates: [3]\nschedulers: [dysta]\nslo: [3]\n".utf8).write(to: yaml)
        #expect { try SweepGrid.read(yaml) } throws: { "\($0)".contains("grid.yaml") && "\($0)".contains("unknown key 'slo'") }
        try Data("workloads: [cnn\n  rates: : [\n".utf8).write(to: yaml)
        #expect { try SweepGrid.read(yaml) } throws: { "\($0)".contains("grid.yaml") }
    }

    @Test func shardParsing() throws {
        #expect(try Shard(parsing: "2/4") == Shard(index: 2, count: 4))
        for bad in ["0/4", "5/4", "2", "a/b", "1/0"] {
            #expect(throws: DystaError.self) { try Shard(parsing: bad) }
        }
    }
}

@Suite("Scenario sweeps", .serialized)
struct ScenarioSweepTests {
    @Test func scenariosAreADimensionOfSweeps() throws {
        let grid = SweepGrid(workloads: [], schedulers: ["fcfs", "dysta"], seeds: [1, 2], requests: 150, scenarios: ["mobile", "datacenter"])
        try grid.validate()
        #expect(grid.cells.count == 4)
        let runs = try Sweep(grid: grid, threads: 2).run()
        #expect(runs.count == 8)
        #expect(Set(runs.map(\.cell.workload)) == ["mobile", "datacenter"])
        #expect(runs.filter { $0.cell.workload == "datacenter" }.allSatisfy { abs($0.load - 0.85) < 1e-12 })
        // Written and read back (merge path) with the same bytes.
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try SweepOutput.write(runs, grid: grid, shard: .whole, to: directory)
        let (readGrid, readRuns) = try SweepOutput.read(directory)
        #expect(readGrid == grid)
        #expect(SweepOutput.summaryCSV(readRuns) == SweepOutput.summaryCSV(runs))
    }

    @Test func scenarioGridsRejectWhatScenariosSet() throws {
        let url = try Fixtures.temporaryDirectory().appendingPathComponent("grid.json")
        try Data(#"{"scenarios": ["mobile"], "slos": [3], "schedulers": ["dysta"]}"#.utf8).write(to: url)
        #expect { try SweepGrid.read(url) } throws: { "\($0)".contains("set 'slos' themselves") }
        try Data(#"{"scenarios": ["moon"], "schedulers": ["dysta"]}"#.utf8).write(to: url)
        #expect { try SweepGrid.read(url) } throws: { "\($0)".contains("unknown scenario 'moon'") }
    }
}

@Suite("Resumable sweeps", .serialized)
struct ResumableSweepTests {
    let grid = SweepGrid(
        workloads: ["cnn"], loads: [0.6, 1.0], slos: [5, 20], schedulers: ["fcfs", "sjf-sparse", "dysta"], seeds: [1, 2], requests: 150)

    /// Runs the jobs `keep` selects into a store and stops without finishing, as a killed sweep would.
    func interruptedRun(_ directory: URL, keep: (Int) -> Bool, grid: SweepGrid, shard: Shard = .whole) throws {
        let store = try SweepStore(directory: directory, grid: grid, shard: shard)
        let skipped = Set(Sweep(grid: grid, shard: shard).jobs().map(\.job).filter { !keep($0) })
        _ = try Sweep(grid: grid, shard: shard, threads: 2).run(skipping: skipped, start: { try store.begin() }, record: { try store.record($0) })
    }

    @Test func aTornJournalResumesToTheBytesOfAnUninterruptedRun() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = root.appendingPathComponent("whole")
        try SweepOutput.write(try Sweep(grid: grid, threads: 1).run(), grid: grid, shard: .whole, to: whole)

        let resumed = root.appendingPathComponent("resumed")
        try interruptedRun(resumed, keep: { $0 % 3 != 0 }, grid: grid)
        // A kill in the middle of a write leaves a torn last line: it is dropped and rerun.
        let journal = resumed.appendingPathComponent(SweepStore.journalName)
        let handle = try FileHandle(forWritingTo: journal)
        handle.seekToEndOfFile()
        handle.write(Data("0,cnn,3.1,0.6,5,avg-ratio,1,0.01,fcfs,1,150,0.0".utf8))
        handle.closeFile()
        let store = try SweepStore(directory: resumed, grid: grid, shard: .whole)
        #expect(store.earlier.count == 16, "24 jobs, 8 with job % 3 == 0 not run")
        let rest = try Sweep(grid: grid, threads: 2).run(
            skipping: Set(store.earlier.map(\.job)), start: { try store.begin() }, record: { try store.record($0) })
        #expect(rest.count == 8)
        try store.finish(rest)
        for file in ["runs.csv", "runs.json", "summary.csv", "summary.json", "config.json", "shard.txt"] {
            #expect(try Data(contentsOf: whole.appendingPathComponent(file)) == Data(contentsOf: resumed.appendingPathComponent(file)), "\(file)")
        }
        #expect(!FileManager.default.fileExists(atPath: journal.path))
    }

    @Test func shardsResumeAndStillMergeToTheSameBytes() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = root.appendingPathComponent("whole")
        try SweepOutput.write(try Sweep(grid: grid, threads: 2).run(), grid: grid, shard: .whole, to: whole)
        var directories: [URL] = []
        for index in 1...2 {
            let shard = Shard(index: index, count: 2)
            let directory = root.appendingPathComponent("shard\(index)")
            try interruptedRun(directory, keep: { $0 < 10 }, grid: grid, shard: shard)
            // An unfinished shard cannot be merged yet.
            #expect { try SweepOutput.read(directory) } throws: { "\($0)".contains("has not finished") }
            let store = try SweepStore(directory: directory, grid: grid, shard: shard)
            let rest = try Sweep(grid: grid, shard: shard, threads: 2).run(
                skipping: Set(store.earlier.map(\.job)), start: { try store.begin() }, record: { try store.record($0) })
            try store.finish(rest)
            directories.append(directory)
        }
        let (mergedGrid, mergedRuns) = try SweepOutput.merge(directories)
        let merged = root.appendingPathComponent("merged")
        try SweepOutput.write(mergedRuns, grid: mergedGrid, shard: .whole, to: merged)
        for file in ["runs.csv", "runs.json", "summary.csv", "summary.json", "config.json", "shard.txt"] {
            #expect(try Data(contentsOf: whole.appendingPathComponent(file)) == Data(contentsOf: merged.appendingPathComponent(file)), "\(file)")
        }
    }

    @Test func anotherGridOrShardOrAStrayJournalIsRefused() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let directory = root.appendingPathComponent("out")
        try interruptedRun(directory, keep: { $0 < 4 }, grid: grid)
        var other = grid
        other.requests = 151
        #expect { try SweepStore(directory: directory, grid: other, shard: .whole) } throws: { "\($0)".contains("holds the results of another grid") }
        #expect { try SweepStore(directory: directory, grid: grid, shard: Shard(index: 1, count: 2)) } throws: { "\($0)".contains("holds shard 1/1") }
        try FileManager.default.removeItem(at: directory.appendingPathComponent("config.json"))
        #expect { try SweepStore(directory: directory, grid: grid, shard: .whole) } throws: { "\($0)".contains("but no config.json") }
        // A complete line that is not a row of this grid is an error naming the file and line.
        let broken = root.appendingPathComponent("broken")
        try interruptedRun(broken, keep: { $0 < 2 }, grid: grid)
        let journal = broken.appendingPathComponent(SweepStore.journalName)
        let handle = try FileHandle(forWritingTo: journal)
        handle.seekToEndOfFile()
        handle.write(Data("99,cnn,3.1,0.6,5,avg-ratio,1,0.01,fcfs,1,150,0,1,1,1,1,1,1,1\n".utf8))
        handle.closeFile()
        #expect { try SweepStore(directory: broken, grid: grid, shard: .whole) } throws: { "\($0)".contains("runs.partial.csv:4: job 99 is outside the grid") }
    }
}

@Suite("Trace folders and replayed tables in grids", .serialized)
struct TraceSweepTests {
    @Test func experimentKeysAndTheirErrors() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        func parse(_ text: String) throws -> SweepGrid { try parseGrid(text, in: directory) }
        let grid = try parse(#"{"traces": ["a", {"path": "b", "kind": "eyeriss"}], "trace_kind": "sanger", "rates": [3], "schedulers": ["fcfs"]}"#)
        #expect(grid.traces == [TraceFolder(path: "a", kind: "sanger"), TraceFolder(path: "b", kind: "eyeriss")])
        #expect(grid.cells.map(\.workload) == ["a (sanger)", "b (eyeriss)"])
        let replay = try parse(#"{"workloads": ["cnn"], "traces": ["t"], "replay": ["r1.csv", "r2.csv"], "schedulers": ["fcfs"]}"#)
        #expect(replay.seeds == [1])
        #expect(replay.cells.map { "\($0.workload)|\($0.replay ?? "")" } == ["cnn|r1.csv", "cnn|r2.csv", "t (native)|r1.csv", "t (native)|r2.csv"])
        // config.json round-trips.
        #expect(try JSONDecoder().decode(SweepGrid.self, from: Data(replay.json().utf8)) == replay)
        #expect(try JSONDecoder().decode(SweepGrid.self, from: Data(grid.json().utf8)) == grid)
        let cases: [(String, String)] = [
            (#"{"traces": [{"path": "a", "kind": "tpu"}], "rates": [3], "schedulers": ["fcfs"]}"#, "kind 'tpu' is not native, sanger, eyeriss"),
            (#"{"traces": [{"path": "a", "format": "x"}], "rates": [3], "schedulers": ["fcfs"]}"#, "unknown key 'format'"),
            (#"{"traces": [], "rates": [3], "schedulers": ["fcfs"]}"#, "'traces' is empty"),
            (#"{"workloads": ["cnn"], "trace_kind": "sanger", "rates": [3], "schedulers": ["fcfs"]}"#, "'trace_kind' applies to 'traces'"),
            (#"{"workloads": ["cnn"], "replay": ["r.csv"], "slos": [3], "schedulers": ["fcfs"]}"#, "drop 'slos'"),
            (#"{"workloads": ["cnn"], "replay": ["r.csv"], "requests": 30, "schedulers": ["fcfs"]}"#, "drop 'requests'"),
            (#"{"workloads": ["cnn"], "replay": ["r.csv"], "seeds": [1, 2], "schedulers": ["fcfs"]}"#, "one request stream"),
            (#"{"workloads": ["cnn"], "replay": [], "schedulers": ["fcfs"]}"#, "'replay' is empty"),
            (#"{"scenarios": ["mobile"], "traces": ["a"], "schedulers": ["fcfs"]}"#, "set 'traces' themselves"),
            (#"{"loads": [1], "schedulers": ["fcfs"]}"#, "missing key 'workloads'"),
        ]
        for (text, message) in cases {
            #expect { try parse(text) } throws: { "\($0)".contains("grid.json") && "\($0)".contains(message) }
        }
    }

    @Test func relativePathsResolveAgainstTheBaseDirectory() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        try FileManager.default.copyItem(at: Fixtures.url("artifact-eyeriss"), to: directory.appendingPathComponent("eyeriss"))
        var grid = SweepGrid(workloads: [], rates: [10], schedulers: ["fcfs", "dysta"], seeds: [1, 2], requests: 100)
        grid.traces = [TraceFolder(path: "eyeriss", kind: "eyeriss")]
        let here = try Sweep(grid: grid, baseDirectory: directory).run()
        #expect(here.count == 4 && here.allSatisfy { $0.cell.workload == "eyeriss (eyeriss)" })
        #expect { try Sweep(grid: grid, baseDirectory: URL(fileURLWithPath: "/nonexistent")).run() } throws: {
            "\($0)".contains("/nonexistent/eyeriss")
        }
        // An absolute path gives the same numbers, whatever the base.
        var absolute = grid
        absolute.traces = [TraceFolder(path: directory.appendingPathComponent("eyeriss").path, kind: "eyeriss")]
        let there = try Sweep(grid: absolute, baseDirectory: URL(fileURLWithPath: "/nonexistent")).run()
        #expect(there.map(\.metrics.values) == here.map(\.metrics.values))
    }
}
