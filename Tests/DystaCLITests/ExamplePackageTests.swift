import DystaTestSupport
import Foundation
import Testing

/// The example package (Examples/custom-policy): a user's own `dysta` with one more policy and
/// one more predictor, built from its sources by this package (target `my-dysta`).
@Suite("Example package: own policy through the whole command", .serialized)
struct ExamplePackageTests {
    @Test func listSimulateAndSweepKnowTheUsersPolicyAndPredictor() throws {
        let list = try run(executable: "my-dysta", ["list"])
        #expect(list.status == 0, "\(list.err)")
        #expect(list.out.contains("\n  llf ") && list.out.contains("\n  last-two "), "\(list.out)")
        let simulate = try run(executable: "my-dysta", [
            "simulate", "--workload", "cnn", "--schedulers", "llf,dysta", "--predictor", "last-two", "--requests", "150", "--seeds", "1-2",
            "--format", "csv",
        ])
        #expect(simulate.status == 0, "\(simulate.err)")
        #expect(simulate.out.contains("\nllf,all,2,") && simulate.out.contains("\ndysta,all,2,"), "\(simulate.out)")
        let directory = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let sweep = try run(executable: "my-dysta", [
            "sweep", "--workloads", "cnn", "--loads", "0.8", "--schedulers", "llf,dysta-hw", "--predictors", "last-two", "--seeds", "1",
            "--requests", "80", "--out", directory.path, "--quiet",
        ])
        #expect(sweep.status == 0, "\(sweep.err)")
        let runs = try String(contentsOf: directory.appendingPathComponent("runs.csv"), encoding: .utf8)
        #expect(runs.contains(",last-two,") && runs.contains(",llf,") && runs.contains(",dysta-hw,"), "\(runs)")
        // The stock command does not know the example's additions.
        let stock = try dysta(["simulate", "--workload", "cnn", "--schedulers", "llf"])
        #expect(stock.status == 1 && stock.err.contains("unknown scheduler 'llf'"))
    }

    @Test func versionIsPrinted() throws {
        let version = try dysta(["--version"])
        #expect(version.status == 0 && !version.out.isEmpty)
    }
}
