import DystaCore

extension HardwareConfiguration {
    /// The parameter names accepted by ``applying(_:)`` (as in docs/hardware.md), `preset` first.
    public static let optionNames = [
        "preset", "depth_log2", "score_bits", "score_frac", "gamma_bits", "gamma_frac", "time_bits", "variant_bits",
        "layer_bits", "gamma_rule", "score_rule", "units", "clock", "time_unit", "monitor_lanes", "timing",
    ]

    /// Returns the named preset (`w32`, `w16`).
    public static func preset(_ name: String) throws -> HardwareConfiguration {
        switch name {
        case "w32": return .w32
        case "w16": return .w16
        default: throw DystaError("unknown hardware preset '\(name)' (known: w32, w16)")
        }
    }

    /// Returns a copy with `name=value` options applied in order (`preset` first resets every
    /// width), validated; errors name the option and the problem.
    /// The clock follows the configuration (``measuredClockHz``) unless `clock` is given or was set before.
    public func applying(_ options: [(name: String, value: String)]) throws -> HardwareConfiguration {
        var result = self
        var measuredClock = clockHz == measuredClockHz
        func integer(_ name: String, _ value: String) throws -> Int {
            guard let number = Int(value) else { throw DystaError("hardware option \(name)=\(value): not an integer") }
            return number
        }
        func choice<T: RawRepresentable & CaseIterable>(_ name: String, _ value: String, _: T.Type) throws -> T where T.RawValue == String {
            guard let chosen = T(rawValue: value) else {
                throw DystaError("hardware option \(name)=\(value): expected one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return chosen
        }
        for (rawName, value) in options {
            let name = rawName.replacingOccurrences(of: "-", with: "_")
            switch name {
            case "preset":
                let preset = try Self.preset(value)
                result.scoreBits = preset.scoreBits
                result.scoreFrac = preset.scoreFrac
                result.gammaBits = preset.gammaBits
                result.gammaFrac = preset.gammaFrac
                result.timeBits = preset.timeBits
            case "depth_log2": result.depthLog2 = try integer(name, value)
            case "depth":
                let depth = try integer(name, value)
                guard depth > 0, depth & (depth - 1) == 0 else {
                    throw DystaError("hardware option depth=\(value): the queue depth must be a power of two (16 … 1024)")
                }
                result.depthLog2 = depth.trailingZeroBitCount
            case "score_bits": result.scoreBits = try integer(name, value)
            case "score_frac": result.scoreFrac = try integer(name, value)
            case "gamma_bits": result.gammaBits = try integer(name, value)
            case "gamma_frac": result.gammaFrac = try integer(name, value)
            case "time_bits": result.timeBits = try integer(name, value)
            case "variant_bits": result.variantBits = try integer(name, value)
            case "layer_bits": result.layerBits = try integer(name, value)
            case "gamma_rule": result.gammaRule = try choice(name, value, HardwareGammaRule.self)
            case "score_rule": result.scoreRule = try choice(name, value, HardwareScoreRule.self)
            case "units": result.units = try choice(name, value, HardwareUnits.self)
            case "timing": result.timing = try choice(name, value, HardwareTiming.self)
            case "clock":
                guard let hz = value.finiteDouble() else { throw DystaError("hardware option clock=\(value): not a number of Hz") }
                result.clockHz = hz
                measuredClock = false
            case "time_unit": result.timeUnitLog2 = value == "auto" ? nil : try integer(name, value)
            case "monitor_lanes": result.monitorLanes = try integer(name, value)
            default:
                throw DystaError(
                    "unknown hardware option '\(rawName)' (known: \(Self.optionNames.joined(separator: ", ")), depth)")
            }
        }
        if measuredClock { result.clockHz = result.measuredClockHz }
        try result.validate()
        return result
    }

    /// Parses `key=value,key=value` (the part inside `dysta-hw[…]`).
    public static func parseOptionList(_ text: String) throws -> [(name: String, value: String)] {
        try OptionList.parse(text, kind: "hardware option").map { ($0.name.trimmingWhitespace, $0.value.trimmingWhitespace) }
    }

    /// The options that differ from `base`, as `name=value` (for labels and stimulus headers);
    /// `clock` when it is not the configuration's measured clock.
    public func differences(from base: HardwareConfiguration) -> [String] {
        var items: [String] = []
        func add(_ name: String, _ mine: String, _ theirs: String) { if mine != theirs { items.append("\(name)=\(mine)") } }
        add("depth_log2", "\(depthLog2)", "\(base.depthLog2)")
        add("score_bits", "\(scoreBits)", "\(base.scoreBits)")
        add("score_frac", "\(scoreFrac)", "\(base.scoreFrac)")
        add("gamma_bits", "\(gammaBits)", "\(base.gammaBits)")
        add("gamma_frac", "\(gammaFrac)", "\(base.gammaFrac)")
        add("time_bits", "\(timeBits)", "\(base.timeBits)")
        add("variant_bits", "\(variantBits)", "\(base.variantBits)")
        add("layer_bits", "\(layerBits)", "\(base.layerBits)")
        add("gamma_rule", gammaRule.rawValue, base.gammaRule.rawValue)
        add("score_rule", scoreRule.rawValue, base.scoreRule.rawValue)
        add("units", units.rawValue, base.units.rawValue)
        add("clock", "\(clockHz)", "\(measuredClockHz)")  // only when set explicitly
        add("time_unit", timeUnitLog2.map(String.init) ?? "auto", base.timeUnitLog2.map(String.init) ?? "auto")
        add("monitor_lanes", "\(monitorLanes)", "\(base.monitorLanes)")
        add("timing", timing.rawValue, base.timing.rawValue)
        return items
    }

    /// The RTL parameters, as the stimulus header's `config` line writes them.
    public var rtlConfigLine: String {
        "config depth_log2=\(depthLog2) score_bits=\(scoreBits) score_frac=\(scoreFrac) gamma_bits=\(gammaBits) "
            + "gamma_frac=\(gammaFrac) time_bits=\(timeBits) variant_bits=\(variantBits) layer_bits=\(layerBits) "
            + "gamma_rule=\(gammaRule.rawValue) score_rule=\(scoreRule.rawValue) units=\(units.rawValue)"
    }
}

extension String {
    var trimmingWhitespace: String {
        var view = Substring(self)
        while let first = view.first, first == " " || first == "\t" { view.removeFirst() }
        while let last = view.last, last == " " || last == "\t" { view.removeLast() }
        return String(view)
    }
}
