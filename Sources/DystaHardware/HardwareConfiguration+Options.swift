import DystaParsing
import DystaCore

extension HardwareConfiguration {
    /// The parameters of `dysta-hw[name=value,…]`, the `--hw-…` flags and the experiment key
    /// `hardware`, declared once (docs/hardware.md, "Parameters"): parsing, errors, help texts
    /// and labels come from here. Ranges that depend on other parameters are checked by
    /// ``validate()`` once all are applied.
    public static let options = TypedOptions<HardwareConfiguration>(owner: DystaHardwarePolicy.policyName, [
        TypedOption(
            "preset", expected: "w32 or w16", help: "number formats: w32 (32-bit scores, Q24 γ) or w16 (16-bit scores, Q12 γ); sets every width",
            set: { configuration, text in
                guard let preset = presets[text] else { return false }
                configuration.scoreBits = preset.scoreBits
                configuration.scoreFrac = preset.scoreFrac
                configuration.gammaBits = preset.gammaBits
                configuration.gammaFrac = preset.gammaFrac
                configuration.timeBits = preset.timeBits
                return true
            },
            get: { configuration in presets.first { $0.value.hasSameWidths(as: configuration) }?.key ?? "custom" }),
        .integer("depth_log2", \.depthLog2, help: "request slots 2^D, D = 4 … 10 (6: 64 slots)"),
        TypedOption(
            "depth", expected: "a power of two 16 … 1024", help: "request slots (instead of depth_log2)",
            set: { configuration, text in
                guard let depth = Int(text), depth > 0, depth & (depth - 1) == 0 else { return false }
                configuration.depthLog2 = depth.trailingZeroBitCount
                return true
            },
            get: { String($0.depth) }),
        .integer("score_bits", \.scoreBits, help: "score and remaining-latency table width in bits (8 … 32)"),
        .integer("score_frac", \.scoreFrac, help: "fractional bits of scores, in time units (0 … 16)"),
        .integer("gamma_bits", \.gammaBits, help: "γ width in bits (8 … 32)"),
        .integer("gamma_frac", \.gammaFrac, help: "fractional bits of γ"),
        .integer("time_bits", \.timeBits, help: "time counter width in bits (16 … 40)"),
        .integer("variant_bits", \.variantBits, help: "table capacity: up to 2^V model variants (5: 32)"),
        .integer("layer_bits", \.layerBits, help: "table capacity: up to 2^L layers per model (6: 64)"),
        .choice("gamma_rule", \.gammaRule, help: "γ rule: mean (running mean, as the software) or last (last layer only, as the paper's RTL)"),
        .choice("score_rule", \.scoreRule, help: "score: dysta (the software score) or paper (the paper RTL's score)"),
        .choice("units", \.units, help: "score unit: parallel (1 slot/cycle) or shared (one multiplier; 3–4 cycles/slot)"),
        TypedOption(
            "clock", expected: "a positive number of Hz",
            help: "scheduler clock in Hz (default: the configuration's measured post-route fmax, docs/hardware.md \"Clock\")",
            set: { configuration, text in
                guard let hz = text.finiteDouble(), hz > 0 else { return false }
                configuration.clockHz = hz
                return true
            },
            get: { "\($0.clockHz)" }),
        TypedOption(
            "time_unit", expected: "an integer or auto", help: "time unit: log2 of scheduler cycles per counter tick, or auto (fit 4× the longest isolated latency in the score)",
            set: { configuration, text in
                if text == "auto" {
                    configuration.timeUnitLog2 = nil
                    return true
                }
                guard let log2 = Int(text) else { return false }
                configuration.timeUnitLog2 = log2
                return true
            },
            get: { $0.timeUnitLog2.map(String.init) ?? "auto" }),
        .integer("monitor_lanes", \.monitorLanes, help: "monitor: outputs counted per cycle"),
        .choice("timing", \.timing, help: "decision time: serial (the accelerator waits) or overlapped (hidden behind the last layer)"),
    ])

    /// The presets by name.
    static let presets: [String: HardwareConfiguration] = ["w32": .w32, "w16": .w16]

    /// Whether the number formats equal `other`'s.
    func hasSameWidths(as other: HardwareConfiguration) -> Bool {
        (scoreBits, scoreFrac, gammaBits, gammaFrac, timeBits) == (other.scoreBits, other.scoreFrac, other.gammaBits, other.gammaFrac, other.timeBits)
    }

    /// Returns the named preset (`w32`, `w16`).
    public static func preset(_ name: String) throws -> HardwareConfiguration {
        guard let preset = presets[name] else { throw DystaError("unknown hardware preset '\(name)' (known: w32, w16)") }
        return preset
    }

    /// Returns a copy with `name=value` options applied in order (`preset` first resets every
    /// width; `-` in a name is read as `_`), validated; errors name the option and the problem.
    /// The clock follows the configuration (``measuredClockHz``) unless `clock` is given or was
    /// set before.
    public func applying(_ options: [(name: String, value: String)]) throws -> HardwareConfiguration {
        let named = options.map { (name: $0.name.replacingOccurrences(of: "-", with: "_"), value: $0.value) }
        var result = try Self.options.applying(named, to: self)
        if clockHz == measuredClockHz && !named.contains(where: { $0.name == "clock" }) { result.clockHz = result.measuredClockHz }
        try result.validate()
        return result
    }

    /// Returns a copy with the settings of a run description or experiment file applied
    /// (name → value; `preset` first, as it resets the widths the others may set, then by name).
    public func applying(settings: [String: String]) throws -> HardwareConfiguration {
        try applying(settings.sorted { ($0.key == "preset" ? "" : $0.key) < ($1.key == "preset" ? "" : $1.key) }.map { (name: $0.key, value: $0.value) })
    }

    /// Parses `key=value,key=value` (the part inside `dysta-hw[…]`).
    public static func parseOptionList(_ text: String) throws -> [(name: String, value: String)] {
        try OptionList.parse(text, kind: "dysta-hw option").map { ($0.name.trimmingWhitespace, $0.value.trimmingWhitespace) }
    }

    /// The options that differ from `base`, as `name=value` (for labels and stimulus headers);
    /// `clock` when it is not the configuration's measured clock.
    public func differences(from base: HardwareConfiguration) -> [String] {
        // The clock is compared with this configuration's measured clock: it is listed only when set.
        var reference = base
        reference.clockHz = measuredClockHz
        return Self.options.options.filter { !["preset", "depth"].contains($0.name) }.compactMap { option in
            let mine = option.value(in: self)
            return mine == option.value(in: reference) ? nil : "\(option.name)=\(mine)"
        }
    }

    /// The RTL parameters, as the stimulus header's `config` line writes them.
    public var rtlConfigLine: String {
        "config depth_log2=\(depthLog2) score_bits=\(scoreBits) score_frac=\(scoreFrac) gamma_bits=\(gammaBits) "
            + "gamma_frac=\(gammaFrac) time_bits=\(timeBits) variant_bits=\(variantBits) layer_bits=\(layerBits) "
            + "gamma_rule=\(gammaRule.rawValue) score_rule=\(scoreRule.rawValue) units=\(units.rawValue)"
    }
}
