import DystaRegistries
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
                FileHandle.standardError.write(Data("dysta: error: \(error.inCommandLineWords.description)\n".utf8))
                Foundation.exit(1)
            } catch {
                Dysta.exit(withError: error)
            }
        }
        Foundation.exit(0)
    }

    /// Runs one `dysta` command in this process (e.g. `["simulate", "--workload", "cnn"]`,
    /// without the program name) with `registries` in force, and returns instead of exiting:
    /// the library form of the command line that the Python package calls.
    ///
    /// Throws a ``DystaError`` with the command's one-line message for every failure, argument
    /// errors included; `--help` and `--version` print their text and return.
    public static func run(arguments: [String], registries: Registries = .standard) throws {
        try Registries.$current.withValue(registries) {
            var command: any ParsableCommand
            do {
                command = try Dysta.parseAsRoot(arguments)
            } catch {
                if Dysta.exitCode(for: error) == .success {
                    FileHandle.standardOutput.write(Data((Dysta.fullMessage(for: error) + "\n").utf8))
                    return
                }
                let message = Dysta.message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
                throw DystaError(message.hasPrefix("Error: ") ? String(message.dropFirst(7)) : message)
            }
            do {
                try command.run()
            } catch let error as DystaError {
                throw error
            } catch {
                if Dysta.exitCode(for: error) == .success { return }
                throw DystaError(Dysta.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)")
            }
        }
    }
}
