import Foundation
import Testing

/// `dysta bench --overload`: one child process per row, growth, row timeout.
@Suite("dysta bench --overload", .serialized)
struct BenchOverloadCLITests {
    @Test func everyRowRunsInItsOwnProcessWithItsGrowth() throws {
        let result = try dysta([
            "bench", "--overload", "--overload-workloads", "attention,cnn", "--overload-schedulers", "fcfs,dysta-hw",
            "--overload-loads", "1.5", "--overload-requests", "400,200", "--format", "json",
        ])
        #expect(result.status == 0, "\(result.err)")
        let object = try JSONSerialization.jsonObject(with: Data(result.out.utf8)) as? [String: Any]
        let runs = object?["runs"] as? [[String: Any]] ?? []
        #expect(runs.count == 8, "2 workloads × 2 schedulers × 1 load × 2 counts")
        for run in runs {
            let label = "\(run["workload"] ?? "") \(run["scheduler"] ?? "") \(run["requests"] ?? "")"
            #expect((run["seconds"] as? Double ?? 0) > 0, "\(label): \(run["note"] ?? "")")
            #expect((run["peak_mb"] as? Double ?? 0) > 0, "\(label)")
            #expect((run["max_queue"] as? Int ?? 0) > 10, "\(label): overloaded")
            // Counts run smallest first; the larger one has the growth.
            #expect((run["growth"] is Double) == (run["requests"] as? Int == 400), "\(label)")
        }
    }

    @Test func aRowPastItsTimeoutIsStoppedAndTheLargerCountSkipped() throws {
        let result = try dysta([
            "bench", "--overload", "--overload-workloads", "attention", "--overload-schedulers", "fcfs", "--overload-loads", "1.5",
            "--overload-requests", "200000,400000", "--row-timeout", "0.01", "--format", "csv",
        ])
        #expect(result.status == 0, "\(result.err)")
        let lines = result.out.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        #expect(lines.count == 3 && lines[1].hasPrefix("attention,fcfs,1.5,200000,,") && lines[1].hasSuffix(",timeout"))
        #expect(lines.count == 3 && lines[2] == "attention,fcfs,1.5,400000,,,,,,skipped")
    }
}
