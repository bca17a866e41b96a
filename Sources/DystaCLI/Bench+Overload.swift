import DystaRegistries
import ArgumentParser
import DystaCore
import DystaExperiments
import DystaReports
import Foundation

/// `dysta bench --overload`: the overload table of docs/performance.md — every policy, both
/// shipped workloads, ρ > 1, long streams, each row in its own process (so its peak memory is
/// its own), with the growth of the time from the smaller to the larger request count.
struct OverloadBenchOptions: ParsableArguments {
    @Flag(help: "Print the overload table (docs/performance.md) instead of the per-policy table: each (workload, scheduler, load, requests) row runs 'dysta bench' in a child process; the other options of this group apply.")
    var overload = false
    @Option(name: .customLong("overload-workloads"), help: ArgumentHelp("Workloads of the overload table.", valueName: "w1,w2"))
    var workloads: String = "attention,cnn"
    @Option(name: .customLong("overload-schedulers"), help: ArgumentHelp("Schedulers of the overload table (default: every registered policy, dysta-hw with default options included).", valueName: "a,b"))
    var schedulers: String?
    @Option(name: .customLong("overload-loads"), help: ArgumentHelp("Offered loads ρ of the overload table.", valueName: "l1,l2"))
    var loads: String = "1.2,1.5"
    @Option(name: .customLong("overload-requests"), help: ArgumentHelp("Request counts of the overload table (the growth column compares the last with the first).", valueName: "n1,n2"))
    var requests: String = "100000,1000000"
    @Option(name: .customLong("row-timeout"), help: "Stop a row's process after this many seconds (the row shows '>' the limit and larger counts of that scheduler and load are skipped).")
    var rowTimeout: Double = 120
}

/// One measured row of the overload table.
struct OverloadRow {
    var workload: String
    var scheduler: String
    var load: Double
    var requests: Int
    /// Simulation seconds (as `dysta bench` times them: no loading, no stream generation); nil when not measured.
    var seconds: Double?
    /// Whole child process, wall clock.
    var processSeconds: Double?
    var maxQueue: Int?
    var peakMB: Double?
    /// Why the row has no time: "timeout", "skipped" or the child's error.
    var note: String = ""
}

extension Bench {
    /// `--overload`: one child `dysta bench` per row.
    func runOverload() throws {
        let options = overloadOptions
        let workloads = parseList(options.workloads)
        let names = options.schedulers.map(parseList) ?? Registries.current.policies.names
        let loads = try Self.parseLoads(options.loads, flag: "overload-loads")
        let counts = try Self.parseCounts(options.requests, flag: "overload-requests")
        guard options.rowTimeout > 0 else { throw DystaError("--row-timeout: expected a positive number of seconds") }
        let executable = try Self.ownExecutable()
        let hardwareArguments = Self.hardwareArguments(CommandLine.arguments)
        var rows: [OverloadRow] = []
        for workload in workloads {
            for name in names {
                for load in loads {
                    var skipRest = false
                    for count in counts {
                        var row = OverloadRow(workload: workload, scheduler: name, load: load, requests: count)
                        if skipRest {
                            row.note = "skipped"
                        } else {
                            row = try Self.measure(row, executable: executable, seed: seed, timeout: options.rowTimeout, hardwareArguments: hardwareArguments)
                            skipRest = row.seconds == nil
                        }
                        rows.append(row)
                        if isatty(STDOUT_FILENO) == 0 {
                            FileHandle.standardError.write(Data("bench --overload: \(Self.cells(row, growth: nil).joined(separator: "  "))\n".utf8))
                        }
                    }
                }
            }
        }
        printOverload(rows, counts: counts, timeout: options.rowTimeout, hardwareArguments: hardwareArguments)
    }

    /// The growth of a row: its seconds over those of the same (workload, scheduler, load) at the smallest count.
    static func growth(_ row: OverloadRow, in rows: [OverloadRow], smallest: Int) -> Double? {
        guard row.requests != smallest, let seconds = row.seconds,
            let base = rows.first(where: { $0.workload == row.workload && $0.scheduler == row.scheduler && $0.load == row.load && $0.requests == smallest })?.seconds,
            base > 0
        else { return nil }
        return seconds / base
    }

    static func cells(_ row: OverloadRow, growth: Double?) -> [String] {
        let seconds = row.seconds.map { String(format: "%.2f", $0) } ?? (row.note == "timeout" ? "> \(Int(row.processSeconds ?? 0))" : "—")
        return [
            row.workload, row.scheduler, formatNumber(row.load), String(row.requests), seconds,
            row.processSeconds.map { String(format: "%.1f", $0) } ?? "—", row.maxQueue.map(String.init) ?? "—",
            row.peakMB.map { String(format: "%.0f", $0) } ?? "—", growth.map { String(format: "%.1f×", $0) } ?? "",
            row.note == "timeout" ? "" : row.note,
        ]
    }

    func printOverload(_ rows: [OverloadRow], counts: [Int], timeout: Double, hardwareArguments: [String]) {
        let smallest = counts.first ?? 0
        switch format {
        case .table:
            var table = TextTable(header: ["workload", "scheduler", "load ρ", "requests", "seconds", "process s", "max queue", "peak MB", "growth", "note"])
            for row in rows { table.add(Self.cells(row, growth: Self.growth(row, in: rows, smallest: smallest))) }
            let options = hardwareArguments.isEmpty ? "" : ", " + hardwareArguments.joined(separator: " ")
            print("overload table, seed \(seed), one thread, one process per row (seconds: simulation only; process s: whole process), row timeout \(formatNumber(timeout)) s\(options)\n\n" + table.rendered(), terminator: "")
        case .csv:
            print("workload,scheduler,load,requests,seconds,process_seconds,max_queue,peak_mb,growth,note")
            for row in rows {
                let values: [String] = [
                    row.workload, row.scheduler, formatNumber(row.load), String(row.requests), row.seconds.map { String($0) } ?? "",
                    row.processSeconds.map { String(format: "%.3f", $0) } ?? "", row.maxQueue.map(String.init) ?? "",
                    row.peakMB.map { String($0) } ?? "", Self.growth(row, in: rows, smallest: smallest).map { String(format: "%.2f", $0) } ?? "",
                    row.note,
                ]
                print(values.map { $0.contains(",") ? "\"\($0)\"" : $0 }.joined(separator: ","))
            }
        case .json:
            let runs: [JSONValue] = rows.map { row in
                .object([
                    ("workload", .string(row.workload)), ("scheduler", .string(row.scheduler)), ("load", .number(row.load)),
                    ("requests", .integer(row.requests)), ("seconds", .optional(row.seconds)),
                    ("process_seconds", .optional(row.processSeconds)), ("max_queue", row.maxQueue.map { .integer($0) } ?? .null),
                    ("peak_mb", .optional(row.peakMB)), ("growth", .optional(Self.growth(row, in: rows, smallest: smallest))),
                    ("note", .string(row.note)),
                ])
            }
            print(JSONValue.object([("seed", .integer(Int(seed))), ("row_timeout", .number(timeout)), ("runs", .array(runs))]).rendered())
        }
    }

    /// The `--hw-…` options of this command line (with their values), passed on to every row.
    static func hardwareArguments(_ arguments: [String]) -> [String] {
        var forwarded: [String] = []
        var index = 0
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("--hw-") else { continue }
            forwarded.append(argument)
            if !argument.contains("="), index < arguments.count, !arguments[index].hasPrefix("--") {
                forwarded.append(arguments[index])
                index += 1
            }
        }
        return forwarded
    }

    /// The path of the running `dysta` (children run the same build and registries).
    static func ownExecutable() throws -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return path }
        guard let path = Bundle.main.executablePath else { throw DystaError("bench --overload: cannot find the dysta executable") }
        return path
    }

    /// Runs one row as `dysta bench … --format csv` in a child process, stopped after `timeout` seconds.
    static func measure(_ row: OverloadRow, executable: String, seed: UInt64, timeout: Double, hardwareArguments: [String]) throws -> OverloadRow {
        var row = row
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "bench", "--workload", row.workload, "--schedulers", row.scheduler, "--loads", formatNumber(row.load),
            "--requests", String(row.requests), "--seed", String(seed), "--skip-after", "inf", "--format", "csv",
        ] + hardwareArguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let start = ContinuousClock.now
        try process.run()
        let finished = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in finished.signal() }
        var timedOut = false
        if process.isRunning && finished.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            process.terminate()
            finished.wait()
        }
        process.waitUntilExit()
        let elapsed = ContinuousClock.now - start
        row.processSeconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let message = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        if timedOut {
            row.note = "timeout"
            return row
        }
        let lines = text.split(separator: "\n")
        guard process.terminationStatus == 0, lines.count >= 2 else {
            let reason = message.split(separator: "\n").last.map(String.init) ?? "exit status \(process.terminationStatus)"
            row.note = reason.replacingOccurrences(of: "dysta: error: ", with: "")
            return row
        }
        // scheduler,load,requests,seconds,decisions_per_second,requests_per_second,max_queue,peak_mb
        let fields = lines[1].split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard fields.count >= 8 else { throw DystaError("bench --overload: unexpected child output '\(lines[1])'") }
        row.seconds = Double(fields[3])
        row.maxQueue = Int(fields[6])
        row.peakMB = Double(fields[7])
        return row
    }
}
