import ArgumentParser
import DystaCore
import DystaReports
import Foundation

/// `dysta latency`: isolated latency statistics of every model variant under a latency model.
struct Latency: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Print each model variant's isolated end-to-end latency statistics (seconds shown as ms) and per-layer means.")

    @OptionGroup var workloadOptions: WorkloadOptions


    @OptionGroup var outputOptions: OutputOptions

    func run() throws {
        let workload = try workloadOptions.loadWorkload()
        let model = try workloadOptions.latencyModel(for: workload)
        let profile = try model.profile(workload)
        let header = [
            ("workload", "\(workloadOptions.workloadLabel): \(profile.variants.count) models"),
            ("accelerator", describeModel(model)),
        ]
        let text = LatencyStatistics.render(profile.variants.map(LatencyStatistics.init), format: outputOptions.format, header: header)
        try outputOptions.emit(text)
    }
}
