import DystaRegistries
import ArgumentParser
import DystaCore
import DystaExperiments
import DystaHardware
import DystaReports
import DystaScheduling
import DystaSimulation
import Foundation

/// `dysta hw`: the hardware scheduler's co-simulation files (docs/hardware.md).
struct HardwareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hw",
        abstract: "Write and check co-simulation stimuli of the dysta-hw hardware scheduler (docs/hardware.md).",
        subcommands: [Export.self, Stress.self, Check.self])

    /// `dysta hw export`: one simulated run's commands and expected results.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Simulate dysta-hw on a workload and write its commands and expected results as a stimulus file.")

        @OptionGroup var workloadOptions: WorkloadOptions
        @OptionGroup(title: "dysta-hw (docs/hardware.md)") var hardwareOptions: HardwareOptions
        @Option(help: "Poisson arrival rate in requests/s (default: 30 for attention workloads, 3 for CNN; see also --load).")
        var rate: Double?
        @Option(help: "Offered load ρ instead of a rate.")
        var load: Double?
        @Option(help: "Number of requests.")
        var requests: Int = RunDefaults.requests
        @Option(help: "SLO multiplier.")
        var slo: Double = RunDefaults.sloMultiplier
        @Option(help: "Seed of the request stream.")
        var seed: UInt64 = 1
        @Option(help: "Dysta weight β.")
        var beta: Double = RunDefaults.beta
        @Option(help: ArgumentHelp("Stimulus file to write ('-' for standard output).", valueName: "file"))
        var out: String

        func run() throws {
            guard requests >= 1 else { throw DystaError("--requests must be at least 1 (got \(requests))") }
            let workload = try workloadOptions.loadWorkload()
            let profile = try workloadOptions.latencyModel(for: workload).profile(workload)
            let generator = RequestGenerator(profile: profile)
            if rate != nil && load != nil { throw DystaError("give --rate or --load, not both") }
            var chosenRate = rate ?? RunDefaults.rate(for: workload.kind)
            if let load {
                guard load > 0, load.isFinite else { throw DystaError("--load must be a positive number (got \(load))") }
                chosenRate = generator.rate(forLoad: load)
            }
            guard chosenRate > 0, chosenRate.isFinite else { throw DystaError("--rate must be a positive number (got \(chosenRate))") }
            let stream = try generator.poisson(rate: chosenRate, count: requests, sloMultiplier: slo, seed: seed)
            var policy = DystaHardwarePolicy(configuration: try hardwareOptions.configuration(), beta: beta, recordsStimulus: true)
            let predictor = try Registries.current.predictors.make(RunDefaults.predictor, semantics: .default)
            _ = try Simulator(profile: profile).run(stream, policy: &policy, predictor: predictor)
            var recorder = policy.stimulus!
            recorder.comment("dysta hw export: \(workloadOptions.workloadLabel), rate \(formatNumber(chosenRate)) req/s, \(requests) requests, seed \(seed)")
            try write(recorder.text, to: out)
            FileHandle.standardError.write(Data("dysta hw export: \(recorder.decisions) decisions, agreement with dysta \(String(format: "%.2f", 100 * policy.statistics.agreement))% -> \(out)\n".utf8))
        }
    }

    /// `dysta hw stress`: random corner-case streams.
    struct Stress: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a random stress stimulus (full tables, equal scores, saturation, past deadlines, zero counts).")

        @OptionGroup(title: "dysta-hw (docs/hardware.md)") var hardwareOptions: HardwareOptions
        @Option(help: "Seed.")
        var seed: UInt64 = 1
        @Option(help: "Number of DECIDE commands.")
        var decisions: Int = 1000
        @Option(help: ArgumentHelp("Stimulus file to write ('-' for standard output).", valueName: "file"))
        var out: String

        func run() throws {
            guard decisions >= 1 else { throw DystaError("--decisions must be at least 1 (got \(decisions))") }
            let recorder = try StressStimulus.generate(configuration: try hardwareOptions.configuration(), seed: seed, decisions: decisions)
            try write(recorder.text, to: out)
        }
    }

    /// `dysta hw check`: replays stimuli through the model.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Replay stimulus files through the bit-accurate model and check every expected value (the testbench's check, in software).")

        @Argument(help: ArgumentHelp("Stimulus files.", valueName: "file"))
        var files: [String]

        func run() throws {
            var decisions = 0
            var values = 0
            for file in files {
                guard let data = FileManager.default.contents(atPath: file), let text = String(data: data, encoding: .utf8) else {
                    throw DystaError("cannot read the stimulus file", file: file)
                }
                let summary = try StimulusReplay.check(text, file: file)
                decisions += summary.decisions
                values += summary.valuesChecked
            }
            print("model check: \(files.count) files, \(decisions) decisions, \(values) values checked, 0 mismatches")
        }
    }
}
