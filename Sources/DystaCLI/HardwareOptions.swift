import ArgumentParser
import DystaCore
import DystaHardware
import DystaExperiments
import DystaScheduling

/// The `dysta-hw` parameters (docs/hardware.md, "Parameters"): the base configuration of every
/// `dysta-hw` scheduler of the command; `dysta-hw[name=value,…]` overrides per scheduler.
struct HardwareOptions: ParsableArguments {
    @Option(name: .customLong("hw-preset"), help: "dysta-hw widths: w32 (32-bit scores, Q24 γ) or w16 (16-bit scores, Q12 γ).")
    var preset: String = "w32"
    @Option(name: .customLong("hw-depth-log2"), help: "dysta-hw request slots 2^D, D = 4 … 10 (default 6: 64 slots).")
    var depthLog2: Int?
    @Option(name: .customLong("hw-score-bits"), help: "dysta-hw score and remaining-latency table width in bits (8 … 32).")
    var scoreBits: Int?
    @Option(name: .customLong("hw-score-frac"), help: "dysta-hw fractional bits of scores, in time units (0 … 16).")
    var scoreFrac: Int?
    @Option(name: .customLong("hw-gamma-bits"), help: "dysta-hw γ width in bits (8 … 32).")
    var gammaBits: Int?
    @Option(name: .customLong("hw-gamma-frac"), help: "dysta-hw fractional bits of γ.")
    var gammaFrac: Int?
    @Option(name: .customLong("hw-time-bits"), help: "dysta-hw time counter width in bits (16 … 40; default 32).")
    var timeBits: Int?
    @Option(name: .customLong("hw-variant-bits"), help: "dysta-hw table capacity: up to 2^V model variants (default 5: 32).")
    var variantBits: Int?
    @Option(name: .customLong("hw-layer-bits"), help: "dysta-hw table capacity: up to 2^L layers per model (default 6: 64).")
    var layerBits: Int?
    @Option(name: .customLong("hw-gamma-rule"), help: "dysta-hw γ rule: mean (running mean, as the software) or last (last layer only, as the paper's RTL).")
    var gammaRule: String?
    @Option(name: .customLong("hw-score-rule"), help: "dysta-hw score: dysta (the software score) or paper (the paper RTL's score).")
    var scoreRule: String?
    @Option(name: .customLong("hw-units"), help: "dysta-hw score unit: parallel (1 slot/cycle) or shared (one multiplier; 3–4 cycles/slot).")
    var units: String?
    @Option(name: .customLong("hw-clock"), help: "dysta-hw scheduler clock in Hz (default: the configuration's measured post-route fmax, docs/hardware.md \"Clock\").")
    var clock: Double?
    @Option(name: .customLong("hw-time-unit"), help: "dysta-hw time unit: log2 of scheduler cycles per counter tick, or auto (default: fit 4× the longest isolated latency in the score).")
    var timeUnit: String?
    @Option(name: .customLong("hw-monitor-lanes"), help: "dysta-hw monitor: outputs counted per cycle (default 64).")
    var monitorLanes: Int?
    @Option(name: .customLong("hw-timing"), help: "dysta-hw decision time: serial (the accelerator waits) or overlapped (hidden behind the last layer).")
    var timing: String?

    /// The options as name=value pairs, preset first.
    var options: [(name: String, value: String)] {
        var items: [(String, String)] = [("preset", preset)]
        func add(_ name: String, _ value: CustomStringConvertible?) { if let value { items.append((name, value.description)) } }
        add("depth_log2", depthLog2)
        add("score_bits", scoreBits)
        add("score_frac", scoreFrac)
        add("gamma_bits", gammaBits)
        add("gamma_frac", gammaFrac)
        add("time_bits", timeBits)
        add("variant_bits", variantBits)
        add("layer_bits", layerBits)
        add("gamma_rule", gammaRule)
        add("score_rule", scoreRule)
        add("units", units)
        add("clock", clock)
        add("time_unit", timeUnit)
        add("monitor_lanes", monitorLanes)
        add("timing", timing)
        return items
    }

    /// The validated base configuration.
    func configuration() throws -> HardwareConfiguration { try HardwareConfiguration.w32.applying(options) }

    /// The policy registry of the command: the registered policies plus `dysta-hw`.
    func registry() throws -> PolicyRegistry { Registries.current.policies.addingHardware(try configuration()) }
}
