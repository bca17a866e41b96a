import DystaRegistries
import ArgumentParser
import DystaCore
import DystaHardware
import DystaExperiments
import DystaScheduling

/// The help of a `--hw-…` flag: the declaration of its parameter (``HardwareConfiguration/options``)
/// with the default of the `w32` preset.
func hardwareHelp(_ name: String) -> ArgumentHelp {
    guard let option = HardwareConfiguration.options.option(name) else { return ArgumentHelp() }
    return ArgumentHelp("dysta-hw: \(option.help) (default: \(option.value(in: .w32)); \(option.expected)).")
}

/// The `dysta-hw` parameters (docs/hardware.md, "Parameters"): the base configuration of every
/// `dysta-hw` scheduler of the command; `dysta-hw[name=value,…]` overrides per scheduler.
struct HardwareOptions: ParsableArguments {
    @Option(name: .customLong("hw-preset"), help: hardwareHelp("preset"))
    var preset: String?
    @Option(name: .customLong("hw-depth-log2"), help: hardwareHelp("depth_log2"))
    var depthLog2: Int?
    @Option(name: .customLong("hw-score-bits"), help: hardwareHelp("score_bits"))
    var scoreBits: Int?
    @Option(name: .customLong("hw-score-frac"), help: hardwareHelp("score_frac"))
    var scoreFrac: Int?
    @Option(name: .customLong("hw-gamma-bits"), help: hardwareHelp("gamma_bits"))
    var gammaBits: Int?
    @Option(name: .customLong("hw-gamma-frac"), help: hardwareHelp("gamma_frac"))
    var gammaFrac: Int?
    @Option(name: .customLong("hw-time-bits"), help: hardwareHelp("time_bits"))
    var timeBits: Int?
    @Option(name: .customLong("hw-variant-bits"), help: hardwareHelp("variant_bits"))
    var variantBits: Int?
    @Option(name: .customLong("hw-layer-bits"), help: hardwareHelp("layer_bits"))
    var layerBits: Int?
    @Option(name: .customLong("hw-gamma-rule"), help: hardwareHelp("gamma_rule"))
    var gammaRule: String?
    @Option(name: .customLong("hw-score-rule"), help: hardwareHelp("score_rule"))
    var scoreRule: String?
    @Option(name: .customLong("hw-units"), help: hardwareHelp("units"))
    var units: String?
    @Option(name: .customLong("hw-clock"), help: hardwareHelp("clock"))
    var clock: Double?
    @Option(name: .customLong("hw-time-unit"), help: hardwareHelp("time_unit"))
    var timeUnit: String?
    @Option(name: .customLong("hw-monitor-lanes"), help: hardwareHelp("monitor_lanes"))
    var monitorLanes: Int?
    @Option(name: .customLong("hw-timing"), help: hardwareHelp("timing"))
    var timing: String?

    /// The options given, as name=value pairs, preset first.
    var options: [(name: String, value: String)] {
        var items: [(String, String)] = []
        func add(_ name: String, _ value: CustomStringConvertible?) { if let value { items.append((name, value.description)) } }
        add("preset", preset)
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

    /// The options given on the command line (nil when none), as the `hardware` setting of a
    /// run description or experiment file: only what was typed, so it can be laid over a file's.
    var givenOptions: [String: String]? {
        options.isEmpty ? nil : Dictionary(options.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    /// The policy registry for a run whose `hardware` setting is `settings`: the registered
    /// policies with `dysta-hw` starting from that configuration.
    static func registry(_ settings: [String: String]?) throws -> PolicyRegistry {
        guard let settings else { return Registries.current.policies }
        return Registries.current.policies.addingHardware(try HardwareConfiguration.w32.applying(settings: settings))
    }

    /// The validated base configuration.
    func configuration() throws -> HardwareConfiguration { try HardwareConfiguration.w32.applying(options) }

    /// The policy registry of the command: the registered policies plus `dysta-hw`.
    func registry() throws -> PolicyRegistry { Registries.current.policies.addingHardware(try configuration()) }
}
