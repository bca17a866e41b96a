import DystaRegistries
import ArgumentParser
import DystaAccelerators
import DystaCore
import DystaExperiments
import DystaReports
import Foundation

/// `dysta trace`: inspect trace workloads.
struct Trace: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Inspect trace workloads.", subcommands: [Stats.self])

    /// `dysta trace stats`: per-model sparsity and latency statistics.
    struct Stats: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Per-model sparsity statistics (per-layer mean/std, layer-to-layer correlation) and isolated latency spread under each applicable accelerator model.")

        @OptionGroup var workloadOptions: WorkloadOptions


        @OptionGroup var outputOptions: OutputOptions

        func run() throws {
            let workload = try workloadOptions.loadWorkload()
            var models: [any LatencyModel] = []
            if let named = workloadOptions.accelerator {
                models = [try Registries.current.accelerators.make(named, overrides: workloadOptions.parameterOverrides)]
            } else {
                // Every model that can cost this workload's traces.
                for name in ["sanger", "eyeriss-v2", "eyeriss-v2-artifact", "table"] {
                    let model = try Registries.current.accelerators.make(name)
                    if (try? model.latencies(for: workload.variants[0])) != nil { models.append(model) }
                }
                if workload.kind == .attention, workload.variants[0].trace.values(.seqLen) != nil {
                    models.append(try SangerModel(overrides: ["seq_len=512"]))
                }
            }
            var items: [TraceStatistics] = []
            for variant in workload.variants {
                var latencies: [(model: String, isolated: [Double])] = []
                for model in models {
                    let matrix = try model.latencies(for: variant)
                    let isolated = (0..<variant.sampleCount).map { sample in
                        (0..<variant.layerCount).reduce(0.0) { $0 + matrix[sample * variant.layerCount + $1] }
                    }
                    let label = model.parameters.contains { $0.key == "seq_len" && $0.value != "auto" } ? "\(model.name)@512" : model.name
                    latencies.append((label, isolated))
                }
                items.append(TraceStatistics(variant, latencies: latencies))
            }
            let header = [("workload", "\(workloadOptions.workloadLabel): \(workload.variants.count) models")]
            try outputOptions.emit(TraceStatistics.render(items, format: outputOptions.format, header: header))
        }
    }
}
