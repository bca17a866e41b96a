import DystaRegistries
import ArgumentParser
import DystaAccelerators
import DystaBenchmark
import DystaReports
import DystaExperiments
import DystaHardware
import DystaScheduling
import Foundation

/// `dysta list`: what can be selected by name.
struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List schedulers, predictors, accelerators, trace kinds and shipped workloads.")

    func run() throws {
        var text = "schedulers (--schedulers):\n"
        for entry in Registries.current.policies.entries {
            text += "  \(pad(entry.name))\(entry.summary)\n"
            for line in entry.optionHelp { text += "  \(pad(""))  \(line)\n" }
        }
        text += "\npredictors (--predictor):\n"
        for entry in Registries.current.predictors.entries { text += "  \(pad(entry.name))\(entry.summary)\n" }
        text += "\naccelerators (--accelerator; parameters via --set key=value):\n"
        for entry in Registries.current.accelerators.entries {
            text += "  \(pad(entry.name))\(entry.summary)\n"
            if !entry.parameterKeys.isEmpty { text += "  \(pad(""))parameters: \(entry.parameterKeys.joined(separator: ", "))\n" }
        }
        text += "\ntrace kinds (--trace-kind with --traces DIR):\n"
        text += "  \(pad("native"))workload.json + one CSV per model variant (docs/trace-format.md)\n"
        text += "  \(pad("sanger"))artifact CSV: batch-indx, layer-indx, overall-sparsity (density), 50%-skip\n"
        text += "  \(pad("eyeriss"))artifact CSV: batch-indx, layer-indx, overall-sparsity (zero fraction), sim_lat (s)\n"
        text += "\nshipped workloads (--workload):\n"
        let names = Benchmark.workloadNames
        if names.isEmpty { text += "  (none found)\n" }
        for name in names { text += "  \(name)\n" }
        print(text, terminator: "")
    }

    private func pad(_ text: String) -> String { text.padding(toLength: 22, withPad: " ", startingAt: 0) }
}
