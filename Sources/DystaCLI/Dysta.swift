import ArgumentParser
import DystaCore
import Foundation

/// The `dysta` command: scheduling sparse multi-DNN workloads on shared accelerators.
@main
struct Dysta: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dysta",
        abstract: "Simulate schedulers for sparse multi-DNN workloads on shared accelerators (Sparse-DySta, MICRO'23).",
        subcommands: [Simulate.self, SweepCommand.self, Merge.self, ReproduceCommand.self, Latency.self, Trace.self, Bench.self, HardwareCommand.self, PlotCommand.self, List.self])

    /// Runs a command, printing a `DystaError` as one line on stderr with exit status 1.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch let error as DystaError {
            FileHandle.standardError.write(Data("dysta: error: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            exit(withError: error)
        }
    }
}
