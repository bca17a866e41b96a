import DystaTestSupport
import Foundation
import Testing

/// The built `dysta` executable.
func dystaExecutable() -> URL {
    let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    let executable = directory.appendingPathComponent("dysta")
    if FileManager.default.fileExists(atPath: executable.path) { return executable }
    return Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent("dysta")
}

/// A `dysta` started in the background as from a terminal: SIGINT and SIGTERM at their default
/// actions (a test runner may ignore SIGINT, and children inherit that), stdout and stderr to
/// files (so no pipe fills up).
final class RunningDysta {
    let pid: pid_t
    let stdout: URL
    let stderr: URL
    private var exitStatus: Int32?

    init(_ arguments: [String], logs: URL) throws {
        stdout = logs.appendingPathComponent("stdout.txt")
        stderr = logs.appendingPathComponent("stderr.txt")
        let executable = dystaExecutable().path
        #if canImport(Glibc)
            var actions = posix_spawn_file_actions_t()
            var attributes = posix_spawnattr_t()
        #else
            var actions: posix_spawn_file_actions_t? = nil
            var attributes: posix_spawnattr_t? = nil
        #endif
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 1, stdout.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, stderr.path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGTERM)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        var unblocked = sigset_t()
        sigemptyset(&unblocked)
        posix_spawnattr_setsigmask(&attributes, &unblocked)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK))
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard status == 0 else { throw POSIXError(POSIXErrorCode(rawValue: status) ?? .EINVAL) }
        pid = child
    }

    /// Whether the process has not exited yet (reaps it when it has).
    var isRunning: Bool {
        guard exitStatus == nil else { return false }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid { exitStatus = status }
        return exitStatus == nil
    }

    /// Sends a signal (SIGINT is what Ctrl-C sends).
    func signal(_ number: Int32) { if isRunning { kill(pid, number) } }

    /// Waits for the exit; returns (exit status, or 128 + signal when killed by one; stderr).
    func wait() throws -> (status: Int32, err: String) {
        if exitStatus == nil {
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            exitStatus = status
        }
        let status = exitStatus!
        let low = status & 0x7f
        let code = low == 0 ? (status >> 8) & 0xff : 128 + low
        return (code, try String(contentsOf: stderr, encoding: .utf8))
    }
}

/// Number of complete lines in a file (0 when absent).
func completeLines(_ url: URL) -> Int {
    (FileManager.default.contents(atPath: url.path) ?? Data()).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
}

let resultFiles = ["runs.csv", "runs.json", "summary.csv", "summary.json", "config.json", "shard.txt"]

/// The shipped benchmark's native trace folders (workload.json + CSV), as files in the repository.
let nativeAttentionFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Sources/DystaBenchmark/workloads/attention").path

@Suite("dysta sweep on the command line", .serialized)
struct SweepCLITests {
    /// A grid of 32 runs that takes several seconds in a debug build.
    static let slowGrid = [
        "sweep", "--workloads", "attention,cnn", "--loads", "0.8,1.1", "--schedulers", "fcfs,sjf,prema,dysta", "--seeds", "1,2",
        "--requests", "1500",
    ]

    @Test func aSweepInterruptedWithCtrlCResumesToTheBytesOfAnUninterruptedRun() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let whole = root.appendingPathComponent("whole")
        let reference = try dysta(Self.slowGrid + ["--out", whole.path, "--threads", "2", "--quiet"])
        #expect(reference.status == 0, "\(reference.err)")

        // Interrupt a one-thread run once a few runs are saved, as Ctrl-C would.
        let resumed = root.appendingPathComponent("resumed")
        let journal = resumed.appendingPathComponent("runs.partial.csv")
        let running = try RunningDysta(Self.slowGrid + ["--out", resumed.path, "--threads", "1"], logs: root)
        let deadline = Date().addingTimeInterval(120)
        while completeLines(journal) < 1 + 4, running.isRunning, Date() < deadline { usleep(20_000) }
        running.signal(SIGINT)
        let interrupted = try running.wait()
        #expect(interrupted.status == 130, "the sweep should have been interrupted mid-way: \(interrupted.err)")
        #expect(interrupted.err.contains("interrupted (SIGINT)") && interrupted.err.contains("rerun the same command"), "\(interrupted.err)")
        let saved = completeLines(journal) - 1
        #expect(saved >= 4 && saved < 32, "saved \(saved)")
        #expect(!FileManager.default.fileExists(atPath: resumed.appendingPathComponent("runs.csv").path))

        // The same command again: only the missing runs, then the same bytes as the whole run.
        let rerun = try dysta(Self.slowGrid + ["--out", resumed.path, "--threads", "2"])
        #expect(rerun.status == 0, "\(rerun.err)")
        #expect(rerun.err.contains("32 runs (16 cells × 2 seeds)") && rerun.err.contains("\(saved) of them from an earlier run"), "\(rerun.err)")
        #expect(!FileManager.default.fileExists(atPath: journal.path))
        for file in resultFiles {
            let a = try Data(contentsOf: whole.appendingPathComponent(file))
            let b = try Data(contentsOf: resumed.appendingPathComponent(file))
            #expect(a == b, "\(file) differs after the resume")
        }
        // A finished folder: a rerun runs nothing and keeps the bytes.
        let again = try dysta(Self.slowGrid + ["--out", resumed.path, "--quiet"])
        #expect(again.status == 0 && again.err.isEmpty, "\(again.err)")
        #expect(try Data(contentsOf: resumed.appendingPathComponent("runs.csv")) == Data(contentsOf: whole.appendingPathComponent("runs.csv")))
    }

    /// Each cell printed as a run description and given to `dysta simulate --run` gives the
    /// sweep's own numbers for that cell, to the last digit.
    @Test func everyCellIsARunDescriptionThatSimulateRuns() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let grid = ["sweep", "--workloads", "cnn,attention", "--loads", "0.6,1.1", "--slos", "5", "--schedulers", "sjf,dysta,lax-srpt",
                    "--betas", "0.01,0.1", "--seeds", "1-2", "--requests", "120", "--quiet"]
        let printed = try dysta(grid + ["--print-runs"])
        #expect(printed.status == 0)
        let lines = printed.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 2 * 2 * 3 * 2)
        let out = root.appendingPathComponent("out").path
        #expect(try dysta(grid + ["--out", out]).status == 0)
        let summary = try String(contentsOfFile: out + "/summary.csv", encoding: .utf8).split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let header = summary[0]
        for (index, line) in lines.enumerated() {
            let file = root.appendingPathComponent("run\(index).json")
            try Data(line.utf8).write(to: file)
            let simulated = try dysta(["simulate", "--run", file.path, "--format", "csv"])
            #expect(simulated.status == 0, "\(simulated.err)")
            let rows = simulated.out.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
            for metric in ["violation_rate", "violation_rate_ci95", "antt", "antt_ci95", "latency_p99", "worst_ntt"] {
                let mine = rows[1][rows[0].firstIndex(of: metric)!]
                let sweeps = summary[index + 1][header.firstIndex(of: metric)!]
                #expect(mine == sweeps, "cell \(index) \(metric): simulate \(mine), sweep \(sweeps)")
            }
        }
    }

    @Test func aFolderOfAnotherGridIsRefusedWithOneLine() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out").path
        let base = ["sweep", "--workloads", "cnn", "--loads", "0.5", "--schedulers", "fcfs", "--seeds", "1", "--requests", "50", "--quiet"]
        #expect(try dysta(base + ["--out", out]).status == 0)
        let before = try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("runs.csv"))
        let other = try dysta(["sweep", "--workloads", "cnn", "--loads", "0.6", "--schedulers", "fcfs", "--seeds", "1", "--requests", "50", "--out", out])
        #expect(other.status == 1)
        #expect(other.err == "dysta: error: \(out): holds the results of another grid (its config.json differs): give another --out, or remove the folder to start over\n")
        #expect(try Data(contentsOf: URL(fileURLWithPath: out).appendingPathComponent("runs.csv")) == before)
        let shard = try dysta(base + ["--out", out, "--shard", "1/2"])
        #expect(shard.status == 1 && shard.err.contains("holds shard 1/1 of this grid, not 1/2"), "\(shard.err)")
        // dysta merge refuses it too.
        let partA = root.appendingPathComponent("a").path
        #expect(try dysta(["sweep", "--workloads", "cnn", "--loads", "0.6", "--schedulers", "fcfs", "--seeds", "1", "--requests", "50", "--out", partA, "--quiet"]).status == 0)
        let merge = try dysta(["merge", partA, "--out", out])
        #expect(merge.status == 1 && merge.err.contains("holds the results of another grid"), "\(merge.err)")
    }

    @Test func progressLinesOffATerminalAndAClosingLineUnlessQuiet() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let grid = ["sweep", "--workloads", "cnn", "--loads", "0.5,0.9", "--schedulers", "fcfs,sjf,dysta", "--seeds", "1-3", "--requests", "300"]
        let loud = try dysta(grid + ["--out", root.appendingPathComponent("a").path, "--progress-interval", "0"])
        #expect(loud.status == 0, "\(loud.err)")
        let lines = loud.err.split(separator: "\n")
        let progress = lines.filter { $0.hasPrefix("sweep: ") && $0.contains("/18 runs (") && $0.contains("elapsed, ETA ") }
        #expect(progress.count >= 3, "\(loud.err)")
        #expect(!loud.err.contains("\r") && !loud.err.contains("#"), "no bar off a terminal")
        #expect(lines.last?.hasPrefix("sweep: 18 runs (6 cells × 3 seeds) in ") == true, "\(loud.err)")
        #expect(lines.last?.hasSuffix("results in \(root.appendingPathComponent("a").path)/ (runs.csv, runs.json, summary.csv, summary.json, config.json)") == true)
        let quiet = try dysta(grid + ["--out", root.appendingPathComponent("b").path, "--quiet", "--progress-interval", "0"])
        #expect(quiet.status == 0 && quiet.err.isEmpty, "\(quiet.err)")
        let bad = try dysta(grid + ["--out", root.appendingPathComponent("c").path, "--progress-interval=-1"])
        #expect(bad.status == 1 && bad.err == "dysta: error: --progress-interval must be a number of seconds ≥ 0 (got -1.0)\n", "\(bad.err)")
    }

    @Test func traceFoldersFromFlagsAndFromAFileWithRelativePathsGiveTheSameBytes() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        // The experiment file lives in its own folder, next to a copy of the traces.
        let experiments = root.appendingPathComponent("experiments")
        try FileManager.default.createDirectory(at: experiments, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: sangerDirectory, toPath: experiments.appendingPathComponent("my-sanger").path)
        try FileManager.default.copyItem(atPath: nativeAttentionFolder, toPath: experiments.appendingPathComponent("my-native").path)
        let file = experiments.appendingPathComponent("grid.yaml")
        try Data(
            """
            workloads: [attention]
            traces: [my-native, {path: my-sanger, kind: sanger}]
            loads: [0.7]
            schedulers: [fcfs, dysta]
            seeds: [1, 2]
            requests: 200

            """.utf8
        ).write(to: file)
        // Run from another working directory: paths resolve against the file's folder.
        let fromFile = try dysta(["sweep", "--experiment", file.path, "--out", root.appendingPathComponent("a").path, "--quiet"])
        #expect(fromFile.status == 0, "\(fromFile.err)")
        let runs = try String(contentsOf: root.appendingPathComponent("a/runs.csv"), encoding: .utf8)
        let rows = runs.split(separator: "\n").dropFirst()
        #expect(rows.count == 3 * 2 * 2)
        #expect(rows.filter { $0.contains(",my-native (native),") }.count == 4)
        #expect(rows.filter { $0.contains(",my-sanger (sanger),") }.count == 4)
        // The native copy of the shipped attention workload gives the shipped workload's numbers.
        func metrics(_ workload: String) -> [String] {
            rows.filter { $0.contains(",\(workload),") }.map { $0.split(separator: ",").dropFirst(2).joined(separator: ",") }
        }
        #expect(metrics("attention") == metrics("my-native (native)"))
        // The same grid from flags, run inside the experiments folder, gives the same bytes
        // (a native and a sanger folder need two --trace-kind values, so compare the sanger part).
        let sangerFile = experiments.appendingPathComponent("sanger.json")
        try Data(#"{"traces": ["my-sanger"], "trace_kind": "sanger", "loads": [0.7], "schedulers": ["fcfs", "dysta"], "seeds": [1, 2], "requests": 200}"#.utf8)
            .write(to: sangerFile)
        let b = try dysta(["sweep", "--experiment", sangerFile.path, "--out", root.appendingPathComponent("b").path, "--quiet"])
        #expect(b.status == 0, "\(b.err)")
        let flags = try dystaIn(
            experiments,
            [
                "sweep", "--traces", "my-sanger", "--trace-kind", "sanger", "--loads", "0.7", "--schedulers", "fcfs,dysta", "--seeds", "1,2",
                "--requests", "200", "--out", root.appendingPathComponent("c").path, "--quiet",
            ])
        #expect(flags.status == 0, "\(flags.err)")
        for name in resultFiles {
            let x = try Data(contentsOf: root.appendingPathComponent("b/\(name)"))
            let y = try Data(contentsOf: root.appendingPathComponent("c/\(name)"))
            #expect(x == y, "\(name)")
        }
        // Shards of a trace grid merge to the same bytes.
        var shards: [String] = []
        for index in 1...3 {
            let out = root.appendingPathComponent("shard\(index)").path
            let shard = try dysta(["sweep", "--experiment", sangerFile.path, "--shard", "\(index)/3", "--out", out, "--quiet"])
            #expect(shard.status == 0, "\(shard.err)")
            shards.append(out)
        }
        let merged = try dysta(["merge"] + shards + ["--out", root.appendingPathComponent("merged").path])
        #expect(merged.status == 0, "\(merged.err)")
        for name in resultFiles {
            #expect(try Data(contentsOf: root.appendingPathComponent("b/\(name)")) == Data(contentsOf: root.appendingPathComponent("merged/\(name)")), "\(name)")
        }
    }

    @Test func replayedTablesAreOneStreamInSweeps() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let table = root.appendingPathComponent("requests.csv").path
        let generated = try dysta([
            "simulate", "--workload", "cnn", "--rate", "4", "--requests", "150", "--seeds", "1", "--schedulers", "fcfs,dysta",
            "--emit-requests", table, "--format", "csv",
        ])
        #expect(generated.status == 0, "\(generated.err)")
        let out = root.appendingPathComponent("out")
        let sweep = try dysta(["sweep", "--workloads", "cnn", "--replay", table, "--schedulers", "fcfs,dysta", "--out", out.path])
        #expect(sweep.status == 0, "\(sweep.err)")
        #expect(sweep.err.contains("sweep: 2 runs (2 cells × 1 seed)"), "\(sweep.err)")
        let runs = try String(contentsOf: out.appendingPathComponent("runs.csv"), encoding: .utf8).split(separator: "\n")
        #expect(runs[0].hasPrefix("job,workload,replay,rate,load,slo,predictor,alpha,beta,scheduler,seed,requests,"))
        #expect(runs.count == 3 && runs[1].hasPrefix("0,cnn,\(table),") && runs[1].contains(",,avg-ratio,1,0.01,fcfs,1,150,"), "\(runs)")
        // The sweep's numbers are the replayed simulate's numbers; no interval with one stream.
        let simulate = try dysta(["simulate", "--workload", "cnn", "--replay", table, "--schedulers", "fcfs,dysta", "--format", "csv"])
        let fcfs = simulate.out.split(separator: "\n")[1].split(separator: ",", omittingEmptySubsequences: false)
        #expect(fcfs[2] == "1" && fcfs[4] == "", "one seed, empty CI: \(fcfs)")
        #expect(runs[1].split(separator: ",", omittingEmptySubsequences: false)[12...13].elementsEqual([fcfs[3], fcfs[5]]))
        let summary = try String(contentsOf: out.appendingPathComponent("summary.csv"), encoding: .utf8).split(separator: "\n")
        #expect(summary[1].contains(",fcfs,1,\(fcfs[3]),,"), "\(summary[1])")
        // Several seeds of one stream are refused, in flags and in files.
        let seeds = try dysta(["sweep", "--workloads", "cnn", "--replay", table, "--schedulers", "fcfs", "--seeds", "1-3", "--out", root.appendingPathComponent("x").path])
        #expect(seeds.status == 1 && seeds.err.contains("--replay is one request stream per table") && seeds.err.split(separator: "\n").count == 1, "\(seeds.err)")
        let file = root.appendingPathComponent("grid.json")
        try Data(#"{"workloads": ["cnn"], "replay": ["requests.csv"], "schedulers": ["fcfs"], "seeds": [1, 2]}"#.utf8).write(to: file)
        let fromFile = try dysta(["sweep", "--experiment", file.path, "--out", root.appendingPathComponent("y").path])
        #expect(fromFile.status == 1 && fromFile.err.contains("grid.json: a replayed table is one request stream"), "\(fromFile.err)")
        try Data(#"{"workloads": ["cnn"], "replay": ["requests.csv"], "schedulers": ["fcfs"], "loads": [0.5]}"#.utf8).write(to: file)
        let withLoads = try dysta(["sweep", "--experiment", file.path, "--out", root.appendingPathComponent("y").path])
        #expect(withLoads.status == 1 && withLoads.err.contains("drop 'loads'"), "\(withLoads.err)")
        // The relative table in the file resolves against the file's folder.
        try Data(#"{"workloads": ["cnn"], "replay": ["requests.csv"], "schedulers": ["fcfs", "dysta"]}"#.utf8).write(to: file)
        let relative = try dysta(["sweep", "--experiment", file.path, "--out", root.appendingPathComponent("z").path, "--quiet"])
        #expect(relative.status == 0, "\(relative.err)")
        let relativeRuns = try String(contentsOf: root.appendingPathComponent("z/runs.csv"), encoding: .utf8)
        #expect(relativeRuns.contains("0,cnn,requests.csv,"))
    }

    @Test(arguments: [
        (["sweep", "--traces", "/nonexistent-folder", "--loads", "0.5", "--schedulers", "fcfs"], "/nonexistent-folder"),
        (["sweep", "--workloads", sangerDirectory, "--loads", "0.5", "--schedulers", "fcfs"], "is a folder: give it as a trace folder (setting 'traces')"),
        (["sweep", "--traces", sangerDirectory, "--trace-kind", "eyeriss", "--loads", "0.5", "--schedulers", "fcfs"], "sim_lat"),
        (["sweep", "--workloads", "cnn", "--trace-kind", "sanger", "--loads", "0.5", "--schedulers", "fcfs"], "--trace-kind applies to --traces"),
        (["sweep", "--workloads", "cnn", "--replay", "/nonexistent.csv", "--schedulers", "fcfs"], "/nonexistent.csv"),
        (["sweep", "--workloads", "cnn", "--replay", "x.csv", "--loads", "0.5", "--schedulers", "fcfs"], "drop --loads"),
        (["sweep", "--workloads", "cnn", "--loads", "0.5", "--schedulers", "fcfs", "--threads", "0"], "--threads must be at least 1"),
    ])
    func badSweepInputIsOneLine(arguments: [String], message: String) throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let out = root.appendingPathComponent("out")
        let result = try dysta(arguments + ["--out", out.path])
        #expect(result.status == 1)
        #expect(result.err.contains(message), "stderr: \(result.err)")
        #expect(result.err.split(separator: "\n").count == 1, "stderr: \(result.err)")
        #expect(!FileManager.default.fileExists(atPath: out.path), "bad input leaves no output folder behind")
    }
}

@Suite("dysta simulate in parallel", .serialized)
struct ParallelSimulateTests {
    @Test func everyThreadCountGivesTheSameBytes() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        var outputs: [String] = []
        var perRequest: [Data] = []
        for threads in ["1", "2", "5"] {
            let file = root.appendingPathComponent("per-request-\(threads).csv").path
            let result = try dysta([
                "simulate", "--workload", "cnn", "--load", "0.9", "--requests", "300", "--seeds", "1-3", "--schedulers", "fcfs,sjf,prema,dysta",
                "--per-model", "--format", "csv", "--per-request", file, "--threads", threads,
            ])
            #expect(result.status == 0, "\(result.err)")
            outputs.append(result.out)
            perRequest.append(try Data(contentsOf: URL(fileURLWithPath: file)))
        }
        #expect(Set(outputs).count == 1 && Set(perRequest).count == 1)
        // Seed-major, then scheduler order, as listed.
        let firstColumns = String(decoding: perRequest[0], as: UTF8.self).split(separator: "\n").dropFirst().map {
            $0.split(separator: ",").prefix(2).joined(separator: ",")
        }
        var order: [String] = []
        for key in firstColumns where order.last != key { order.append(key) }
        #expect(order == ["1", "2", "3"].flatMap { seed in ["fcfs", "sjf", "prema", "dysta"].map { "\($0),\(seed)" } })
        let bad = try dysta(["simulate", "--workload", "cnn", "--threads", "0"])
        #expect(bad.status == 1 && bad.err == "dysta: error: --threads must be at least 1 (got 0)\n")
    }

    @Test func aReplayIsOneStreamOneSeedNoInterval() throws {
        let root = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: root) }
        let table = root.appendingPathComponent("requests.csv").path
        #expect(try dysta(["simulate", "--workload", "cnn", "--requests", "120", "--seeds", "4", "--emit-requests", table]).status == 0)
        let perRequest = root.appendingPathComponent("per-request.csv").path
        let replay = try dysta(["simulate", "--workload", "cnn", "--replay", table, "--schedulers", "fcfs,dysta", "--per-request", perRequest])
        #expect(replay.status == 0, "\(replay.err)")
        #expect(replay.out.contains("seeds: 1 (a replay is one stream: one run per scheduler, no confidence interval)"))
        #expect(!replay.out.contains("±") && replay.out.contains("one run per scheduler: no confidence interval"), "\(replay.out)")
        let rows = try String(contentsOf: URL(fileURLWithPath: perRequest), encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 1 + 2 * 120, "each request once per scheduler")
        let several = try dysta(["simulate", "--workload", "cnn", "--replay", table, "--seeds", "1-5"])
        #expect(several.status == 1 && several.err == "dysta: error: --replay is one request stream: give one seed (--seeds N only labels the run) or leave --seeds out\n")
    }
}

/// Runs `dysta` with another working directory.
func dystaIn(_ directory: URL, _ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try run(executable: "dysta", arguments, in: directory)
}

@Suite("dysta plot on the command line")
struct PlotCLITests {
    /// Like sweep and reproduce, plot creates the folder of --out (and its parents).
    @Test func plotCreatesTheFolderOfItsOutput() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let csv = directory.appendingPathComponent("summary.csv")
        try Data("load,scheduler,antt\n0.5,fcfs,2\n0.5,dysta,1.5\n0.8,fcfs,4\n0.8,dysta,2\n".utf8).write(to: csv)
        let out = directory.appendingPathComponent("figures/new").appendingPathComponent("antt").path
        let result = try dysta(["plot", csv.path, "--x", "load", "--y", "antt", "--series", "scheduler", "--out", out])
        #expect(result.status == 0, "\(result.err)")
        #expect(FileManager.default.fileExists(atPath: out + ".svg"))
        // A file where the folder should be is named.
        let blocked = directory.appendingPathComponent("summary.csv/antt").path
        let refused = try dysta(["plot", csv.path, "--x", "load", "--y", "antt", "--series", "scheduler", "--out", blocked])
        #expect(refused.status != 0 && refused.err.contains("a file is in the way"), "\(refused.err)")
    }
}
