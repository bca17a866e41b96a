import ArgumentParser
import DystaCore
import DystaReports
import Foundation

/// `dysta latency`: isolated latency statistics of every model variant under a latency model.
struct Latency: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each model variant's isolated end-to-end latency statistics (seconds shown as ms) and per-layer means.")

    @OptionGroup var workloadOptions: WorkloadOptions

    @Option(help: "Output format: table, csv or json (csv and json in seconds).")
    var format: ReportFormat = .table

    @Option(name: .shortAndLong, help: ArgumentHelp("Write to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let workload = try workloadOptions.loadWorkload()
        let model = try workloadOptions.latencyModel(for: workload)
        let profile = try model.profile(workload)
        let header = [
            ("workload", "\(workloadOptions.workloadLabel): \(profile.variants.count) models"),
            ("accelerator", model.name + (model.parameters.isEmpty ? "" : " (" + model.parameters.map { "\($0.key)=\($0.value)" }.joined(separator: ", ") + ")")),
        ]
        let text = LatencyStatistics.render(profile.variants.map(LatencyStatistics.init), format: format, header: header)
        try write(text, to: output)
    }
}
