import DystaSweeps
import DystaCore
import DystaExperiments
import DystaTestSupport
import Foundation
import Testing

@Suite("Experiment-file fuzzing")
struct FuzzExperimentTests {
    @Test(arguments: ["json", "yaml"])
    func experimentFileParserNeverCrashes(format: String) throws {
        let scratch = try Fixtures.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let file = scratch.appendingPathComponent("grid.\(format)")
        let seed = format == "json"
            ? #"{"workloads": ["cnn", "attention"], "loads": [0.5, 0.9], "slos": [10, 25], "schedulers": ["sjf", "dysta"], "seeds": [1, 2], "betas": [0.01, 0.1], "requests": 100}"#
            : "workloads: [cnn, attention]\nloads: [0.5, 0.9]\nslos: [10, 25]\nschedulers: [sjf, dysta]\nseeds: [1, 2]\nbetas: [0.01, 0.1]\nrequests: 100\n"
        let tally = fuzz("experiment \(format)", corpus: [Array(seed.utf8)], seed: format == "json" ? 6 : 7, iterations: fuzzIterations(default: 1000)) { input in
            try Data(input).write(to: file)
            let grid = try SweepGrid.read(file)
            _ = grid.cells
        }
        #expect(tally.unexpected.isEmpty, "\(tally.unexpected.prefix(3))")
        #expect(tally.rejected > 0 && tally.loaded > 0, "\(tally)")
    }
}
