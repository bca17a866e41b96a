import DystaTestSupport
import Foundation
import Testing

@Suite("dysta-hw on the command line", .serialized)
struct HardwareCLITests {
    @Test func simulatesBothShippedWorkloadsAndArtifactTraces() throws {
        for arguments in [
            ["--workload", "attention", "--rate", "40"], ["--workload", "cnn", "--rate", "4"],
            ["--traces", sangerDirectory, "--trace-kind", "sanger", "--rate", "120"],
            ["--traces", eyerissDirectory, "--trace-kind", "eyeriss", "--rate", "20"],
        ] {
            let result = try dysta(
                ["simulate"] + arguments + [
                    "--requests", "150", "--seeds", "1-2", "--schedulers", "dysta,dysta-hw,dysta-hw[preset=w16,gamma_rule=last]",
                    "--hw-depth-log2", "5", "--format", "csv",
                ])
            #expect(result.status == 0, "\(arguments): \(result.err)")
            #expect(result.out.contains("\n\"dysta-hw[preset=w16,gamma_rule=last]\",all,2,"), "\(result.out)")
            #expect(result.out.contains("\ndysta-hw,all,2,"))
        }
    }

    @Test func sweepsTakeTheHardwareKeyAndFlags() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let experiment = directory.appendingPathComponent("hw.yaml").path
        try Data(
            """
            workloads: [cnn]
            loads: [0.8]
            schedulers: [dysta, dysta-hw, "dysta-hw[units=shared]"]
            seeds: [1, 2]
            requests: 100
            hardware: {preset: w16, depth_log2: 5}

            """.utf8
        ).write(to: URL(fileURLWithPath: experiment))
        let fromFile = try dysta(["sweep", "--experiment", experiment, "--out", directory.appendingPathComponent("a").path, "--quiet"])
        #expect(fromFile.status == 0, "\(fromFile.err)")
        let fromFlags = try dysta([
            "sweep", "--workloads", "cnn", "--loads", "0.8", "--schedulers", "dysta,dysta-hw,dysta-hw[units=shared]", "--seeds", "1,2",
            "--requests", "100", "--hw-preset", "w16", "--hw-depth-log2", "5", "--out", directory.appendingPathComponent("b").path, "--quiet",
        ])
        #expect(fromFlags.status == 0, "\(fromFlags.err)")
        let a = try String(contentsOf: directory.appendingPathComponent("a/runs.csv"), encoding: .utf8)
        let b = try String(contentsOf: directory.appendingPathComponent("b/runs.csv"), encoding: .utf8)
        #expect(a == b)
        #expect(a.contains(",dysta-hw[units=shared],"))
        let bad = directory.appendingPathComponent("bad.json").path
        try Data(#"{"workloads": ["cnn"], "loads": [0.5], "schedulers": ["dysta-hw"], "hardware": {"depth_log2": 12}}"#.utf8).write(to: URL(fileURLWithPath: bad))
        let refused = try dysta(["sweep", "--experiment", bad, "--out", directory.appendingPathComponent("c").path])
        #expect(refused.status != 0)
        #expect(refused.err.contains("experiment key 'hardware': dysta-hw option 'depth_log2' must be 4 … 10"), "\(refused.err)")
    }

    @Test func exportStressAndCheckRoundTrip() throws {
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let exported = directory.appendingPathComponent("export.txt").path
        let stress = directory.appendingPathComponent("stress.txt").path
        let export = try dysta(["hw", "export", "--workload", "cnn", "--requests", "40", "--hw-units", "shared", "--out", exported])
        #expect(export.status == 0, "\(export.err)")
        let stressed = try dysta(["hw", "stress", "--hw-preset", "w16", "--hw-depth-log2", "4", "--decisions", "300", "--seed", "5", "--out", stress])
        #expect(stressed.status == 0, "\(stressed.err)")
        let check = try dysta(["hw", "check", exported, stress])
        #expect(check.status == 0, "\(check.err)")
        #expect(check.out.contains("2 files,"))
        #expect(check.out.contains("0 mismatches"))
        // Twice the same seed: the same bytes.
        let again = directory.appendingPathComponent("again.txt").path
        _ = try dysta(["hw", "stress", "--hw-preset", "w16", "--hw-depth-log2", "4", "--decisions", "300", "--seed", "5", "--out", again])
        #expect(try Data(contentsOf: URL(fileURLWithPath: stress)) == Data(contentsOf: URL(fileURLWithPath: again)))
    }

    @Test func badHardwareInputGetsOneLine() throws {
        let cases: [([String], String)] = [
            (["simulate", "--workload", "cnn", "--schedulers", "dysta-hw", "--hw-depth-log2", "11"], "dysta-hw option 'depth_log2' must be 4 … 10"),
            (["simulate", "--workload", "cnn", "--schedulers", "dysta-hw[depth=100]"], "dysta-hw option 'depth': '100' is not a power of two 16 … 1024"),
            (["simulate", "--workload", "cnn", "--schedulers", "dysta-hw", "--hw-variant-bits", "3"], "the workload has 18 model variants, the tables hold 8"),
            (["simulate", "--workload", "cnn", "--schedulers", "dysta-hw", "--accelerators", "2"], "dysta-hw models one scheduler beside one accelerator"),
            (["simulate", "--workload", "cnn", "--schedulers", "dysta-hw", "--hw-gamma-rule", "median"], "dysta-hw option 'gamma_rule': 'median' is not one of mean, last"),
            (["hw", "check", "/nonexistent/stimulus.txt"], "/nonexistent/stimulus.txt: cannot read the stimulus file"),
        ]
        for (arguments, message) in cases {
            let result = try dysta(arguments)
            #expect(result.status == 1, "\(arguments)")
            #expect(result.err.hasPrefix("dysta: error: ") && result.err.contains(message), "\(arguments): \(result.err)")
            #expect(result.err.split(separator: "\n").count == 1, "\(result.err)")
        }
    }
}
