import DystaTestSupport
import Foundation
import Testing

/// Runs the built `dysta` executable; returns (exit status, stdout, stderr).
func dysta(_ arguments: [String]) throws -> (status: Int32, out: String, err: String) {
    try run(executable: "dysta", arguments)
}

/// Runs a built executable of the package (`dysta`, or the example package's `my-dysta`),
/// optionally in another working directory.
func run(executable name: String, _ arguments: [String], in workingDirectory: URL? = nil) throws -> (status: Int32, out: String, err: String) {
    let directory = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath().deletingLastPathComponent()
    var executable = directory.appendingPathComponent(name)
    if !FileManager.default.fileExists(atPath: executable.path) {
        // macOS: the test bundle's executable sits inside the .xctest bundle.
        executable = Bundle.main.bundleURL.deletingLastPathComponent().appendingPathComponent(name)
    }
    let process = Process()
    process.executableURL = executable
    process.arguments = arguments
    if let workingDirectory { process.currentDirectoryURL = workingDirectory }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    try process.run()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    let errData = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
}

let sangerDirectory = Fixtures.url("artifact-sanger").path
/// The paper's policies by name: tests name them instead of relying on the registry's size.
let paperPolicies = "fcfs,sjf,sjf-sparse,prema,prema-sparse,planaria,sdrm3,sdrm3-sparse,dysta,dysta-naive,dysta-oracle"
let eyerissDirectory = Fixtures.url("artifact-eyeriss").path

@Suite("dysta command line", .serialized)
struct CLITests {
    @Test(arguments: ["default", "artifact"])
    func allElevenPoliciesOn1000RequestsAndFiveSeeds(semantics: String) throws {
        let result = try dysta([
            "simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--requests", "1000", "--seeds", "1-5",
            "--semantics", semantics, "--rate", "120",
        ])
        #expect(result.status == 0, "\(result.err)")
        for name in ["fcfs", "sjf", "sjf-sparse", "prema", "prema-sparse", "planaria", "sdrm3", "sdrm3-sparse", "dysta", "dysta-naive", "dysta-oracle"] {
            #expect(result.out.contains("\n\(name) "), "missing row \(name)")
        }
        #expect(result.out.contains("semantics: \(semantics)"))
    }

    @Test func replayingTheSameTableTwiceGivesIdenticalPerRequestBytes() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("requests.csv").path
        let first = directory.appendingPathComponent("first.csv").path
        let second = directory.appendingPathComponent("second.csv").path
        let third = directory.appendingPathComponent("third.csv").path
        let base = ["simulate", "--traces", eyerissDirectory, "--trace-kind", "eyeriss", "--requests", "300"]
        let generate = try dysta(base + ["--seeds", "7", "--rate", "20", "--emit-requests", table, "--per-request", first, "--format", "csv"])
        #expect(generate.status == 0, "\(generate.err)")
        let replayA = try dysta(base + ["--seeds", "7", "--replay", table, "--per-request", second, "--format", "csv"])
        let replayB = try dysta(base + ["--seeds", "7", "--replay", table, "--per-request", third, "--format", "csv"])
        #expect(replayA.status == 0 && replayB.status == 0, "\(replayA.err)\(replayB.err)")
        let bytes = try [first, second, third].map { try Data(contentsOf: URL(fileURLWithPath: $0)) }
        #expect(bytes[0].count > 1000)
        #expect(bytes[1] == bytes[2])
        // A replay of the emitted table reproduces the generated run exactly.
        #expect(bytes[0] == bytes[1])
        let header = String(decoding: bytes[0], as: UTF8.self).split(separator: "\n")[0]
        #expect(header == "scheduler,seed,id,model,sample,priority,arrival,deadline,finish,isolated,violated")
    }

    @Test func sameSeedSameBytesAcrossRunsAndFormats() throws {
        let args = ["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--requests", "200", "--seeds", "1-3", "--per-model"]
        for format in ["table", "csv", "json"] {
            let first = try dysta(args + ["--format", format])
            let second = try dysta(args + ["--format", format])
            #expect(first.status == 0 && first.out == second.out && !first.out.isEmpty, "\(format)")
        }
        let json = try dysta(args + ["--format", "json"]).out
        let object = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let rows = (object?["results"] as? [[String: Any]]) ?? []
        for name in paperPolicies.split(separator: ",") {
            #expect(rows.filter { $0["scheduler"] as? String == String(name) }.count == 3, "\(name): one overall row and two per-model rows")
        }
    }

    @Test(arguments: [
        (["simulate", "--traces", "/nonexistent", "--trace-kind", "sanger"], "no such directory"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--schedulers", "fcfs,lottery"], "unknown scheduler 'lottery'"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--rate", "0"], "--rate must be a positive"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--rate=-3"], "--rate must be a positive"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--slo", "0"], "--slo must be a positive"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--predictor", "magic"], "unknown predictor 'magic'"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--seeds", "5-1"], "is not a range"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--accelerator", "tpu"], "unknown accelerator 'tpu'"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--set", "clock_hz=0"], "clock_hz=0"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--semantics", "artifact", "--accelerators", "2"], "use 1 accelerator"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--seeds", "1-2", "--emit-requests", "/tmp/x.csv"], "{seed}"),
        (["simulate", "--traces", sangerDirectory, "--trace-kind", "native"], "no workload.json"),
        (["simulate", "--traces", "/no/such/folder"], "/no/such/folder: no such folder"),
    ])
    func badInputExitsNonZeroWithOneLine(arguments: [String], message: String) throws {
        let result = try dysta(arguments)
        #expect(result.status != 0)
        #expect(result.err.contains(message), "stderr: \(result.err)")
        #expect(result.err.split(separator: "\n").count == 1, "stderr: \(result.err)")
    }

    @Test func replayWithAnUnknownModelNamesFileAndLine() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let table = directory.appendingPathComponent("requests.csv")
        try Data("id,arrival,model,sample,priority,target\n0,0.1,bert,0,1,0.5\n1,0.2,t5,0,1,0.5\n".utf8).write(to: table)
        let result = try dysta(["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--replay", table.path])
        #expect(result.status == 1)
        #expect(result.err.contains("requests.csv:3: column 'model': unknown model 't5'"))
    }

    @Test func loadSetsTheRateFromTheMeanIsolatedLatency() throws {
        let result = try dysta(["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--load", "0.5", "--requests", "50", "--seeds", "1", "--schedulers", "fcfs"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("offered load ρ: 0.500"))
        let both = try dysta(["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--load", "0.5", "--rate", "3"])
        #expect(both.status == 1 && both.err.contains("not both"))
    }

    @Test func listNamesEverything() throws {
        let result = try dysta(["list"])
        #expect(result.status == 0)
        for word in ["dysta-oracle", "avg-ratio", "last-n", "eyeriss-v2-artifact", "sanger"] { #expect(result.out.contains(word)) }
    }
}

/// Golden outputs: any change of results shows up as a diff of these files in review.
/// Regenerate with the commands in Tests/DystaCLITests/Golden/README.md after checking why they changed.
@Suite("Golden outputs")
struct GoldenTests {
    static let golden = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Golden")

    @Test(arguments: [
        ("simulate-sanger-default.csv", ["simulate", "--traces", sangerDirectory, "--trace-kind", "sanger", "--requests", "300", "--seeds", "1-2", "--rate", "100", "--format", "csv", "--per-model", "--schedulers", paperPolicies]),
        ("simulate-eyeriss-artifact.csv", ["simulate", "--traces", eyerissDirectory, "--trace-kind", "eyeriss", "--requests", "300", "--seeds", "3", "--rate", "12", "--semantics", "artifact", "--format", "csv", "--schedulers", paperPolicies]),
    ])
    func simulateMatchesGolden(file: String, arguments: [String]) throws {
        let expected = try String(contentsOf: Self.golden.appendingPathComponent(file), encoding: .utf8)
        let result = try dysta(arguments)
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out == expected)
    }
}

/// The shipped benchmark through the command line (no flag points at a file).
@Suite("dysta on the shipped benchmark", .serialized)
struct BenchmarkCLITests {
    @Test(arguments: ["attention", "cnn"])
    func simulateRunsEveryPolicyOnAShippedWorkload(workload: String) throws {
        let result = try dysta(["simulate", "--workload", workload, "--load", "0.8", "--requests", "300", "--seeds", "1"])
        #expect(result.status == 0, "\(result.err)")
        for name in ["dysta ", "dysta-naive ", "dysta-oracle "] {
            #expect(result.out.split(separator: "\n").contains { $0.hasPrefix(name) }, "\(name)")
        }
    }

    @Test func cnnRunsUnderBothEyerissVariantsAndAnOverride() throws {
        var outputs: [String] = []
        for extra in [["--accelerator", "eyeriss-v2"], ["--accelerator", "eyeriss-v2-artifact"], ["--set", "clock_hz=4e8"]] {
            let result = try dysta(["simulate", "--workload", "cnn", "--rate", "5", "--requests", "200", "--seeds", "1", "--schedulers", "fcfs,dysta", "--format", "csv"] + extra)
            #expect(result.status == 0, "\(result.err)")
            outputs.append(result.out)
        }
        #expect(Set(outputs).count == 3, "each accelerator setting should change the results")
    }

    @Test func benchReportsEveryRunAsJSONAndRejectsABadRepeat() throws {
        let result = try dysta([
            "bench", "--requests", "200,400", "--loads", "0.5,1.5", "--schedulers", "fcfs,dysta", "--repeat", "2", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let runs = object?["runs"] as? [[String: Any]] ?? []
        #expect(object?["repeat"] as? Int == 2)
        #expect(runs.count == 8, "2 schedulers × 2 loads × 2 counts")
        for run in runs {
            #expect((run["decisions"] as? Int ?? 0) > 0 && (run["seconds"] as? Double ?? 0) > 0)
        }
        // Overload keeps more requests waiting than light load.
        let queues = runs.filter { $0["scheduler"] as? String == "fcfs" && $0["requests"] as? Int == 400 }.map { $0["max_queue"] as? Int ?? 0 }
        #expect(queues.count == 2 && queues[1] > queues[0])
        let bad = try dysta(["bench", "--repeat", "0"])
        #expect(bad.status == 1 && bad.err == "dysta: error: --repeat: 0 is not a positive integer\n")
    }

    @Test func benchTimesTheFig14Grid() throws {
        let result = try dysta(["bench", "--grid", "--workload", "attention", "--format", "json"])
        #expect(result.status == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        #expect(object?["runs"] as? Int == 2 * 6 * 7 * 5)
        #expect(object?["loads"] as? [Double] == [0.75, 1.0])
        #expect((object?["seconds"] as? Double ?? 0) > 0)
        let other = try dysta(["bench", "--grid", "--workload", "attention-fixed"])
        #expect(other.status == 1 && other.err.contains("defined for attention and cnn"))
    }

    @Test(arguments: ["attention", "attention-fixed", "cnn"])
    func latencyPrintsStatisticsForEveryShippedWorkload(workload: String) throws {
        let result = try dysta(["latency", "--workload", workload, "--format", "csv"])
        #expect(result.status == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n")
        #expect(lines.first == "model,layer,samples,layers,mean,std,min,p50,p99,max,cv")
        // One "all" row per model and one row per layer; every row has the header's 11 cells.
        let rows = lines.dropFirst().map { $0.split(separator: ",", omittingEmptySubsequences: false) }
        #expect(rows.filter { $0[1] == "all" }.count == (workload == "cnn" ? 18 : 3))
        #expect(rows.allSatisfy { $0.count == 11 })
        #expect(rows.filter { $0[1] != "all" }.count == rows.filter { $0[1] == "all" }.map { Int($0[3])! }.reduce(0, +))
    }
}

@Suite("Deployment scenarios", .serialized)
struct ScenarioCLITests {
    @Test(arguments: ["mobile", "arvr", "datacenter"])
    func scenarioRuns(name: String) throws {
        let result = try dysta(["simulate", "--scenario", name, "--requests", "200", "--seeds", "1", "--schedulers", "fcfs,dysta"])
        #expect(result.status == 0, "\(result.err)")
        #expect(result.out.contains("scenario: \(name)"))
        #expect(result.out.contains("offered load ρ"))
    }

    @Test func scenarioRejectsFlagsItSetsItself() throws {
        let result = try dysta(["simulate", "--scenario", "mobile", "--rate", "3"])
        #expect(result.status == 1 && result.err.contains("sets --rate itself"))
        let unknown = try dysta(["simulate", "--scenario", "moon"])
        #expect(unknown.status == 1 && unknown.err.contains("unknown scenario 'moon'"))
    }
}
