import ArgumentParser
import DystaCore
import DystaExperiments
import Foundation

/// The `dysta` command: scheduling sparse multi-DNN workloads on shared accelerators.
struct Dysta: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dysta",
        abstract: "Simulate schedulers for sparse multi-DNN workloads on shared accelerators (Sparse-DySta, MICRO'23).",
        version: DystaCommandLine.version,
        subcommands: [Simulate.self, SweepCommand.self, Merge.self, ReproduceCommand.self, Latency.self, Trace.self, Bench.self, HardwareCommand.self, PlotCommand.self, List.self])
}

/// The whole `dysta` command line as a library: a user's package gets every subcommand with
/// its own policies, predictors and latency models added (docs/extending.md).
public enum DystaCommandLine {
    /// The version `dysta --version` prints.
    public static let version = "0.4.0"

    /// Parses the process's arguments and runs the command with `registries` in force; prints a
    /// `DystaError` as one line on stderr with exit status 1. Does not return.
    public static func main(registries: Registries = .standard) -> Never {
        Registries.$current.withValue(registries) {
            do {
                var command = try Dysta.parseAsRoot()
                try command.run()
            } catch let error as DystaError {
                FileHandle.standardError.write(Data("dysta: error: \(error.description)\n".utf8))
                Foundation.exit(1)
            } catch {
                Dysta.exit(withError: error)
            }
        }
        Foundation.exit(0)
    }
}
