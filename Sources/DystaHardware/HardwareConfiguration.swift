import DystaCore

/// How γ is formed from the monitor's counts in hardware.
public enum HardwareGammaRule: String, Sendable, CaseIterable {
    /// Running mean of the layer ratios (a reciprocal table, no divider): the software predictor.
    case mean
    /// The last executed layer's ratio only (the paper's RTL).
    case last
}

/// Which score the hardware computes.
public enum HardwareScoreRule: String, Sendable, CaseIterable {
    /// The software Dysta score: R + β·(max(0, slack − R) + idle · (1/isolated) / n).
    case dysta
    /// The paper RTL's score: R + β·(max(0, slack) + idle · (1/isolated)), no − R, no / n.
    case paper
}

/// How many multipliers the score unit has.
public enum HardwareUnits: String, Sendable, CaseIterable {
    /// Four multipliers: one slot per cycle.
    case parallel
    /// One multiplier time-multiplexed over the products: 4 (dysta) or 3 (paper) cycles per slot.
    case shared
}

/// When the decision's cycles are paid on the timeline.
public enum HardwareTiming: String, Sendable, CaseIterable {
    /// The accelerator waits for the whole decision after each layer.
    case serial
    /// The decision is hidden behind the layer that just ran; only the part longer than that
    /// layer delays the next one (an idealised upper bound of overlap, see docs/hardware.md).
    case overlapped
}

/// Every parameter of the hardware scheduler (see docs/hardware.md, "Parameters").
///
/// The RTL's Verilog parameters have the same names in capitals; the host-side values (clock,
/// time unit, monitor lanes, timing) only affect how the model is driven.
public struct HardwareConfiguration: Sendable, Equatable {
    /// Request slots 2^depthLog2 (4 … 10).
    public var depthLog2: Int
    /// Width S of scores and of the remaining-latency table (8 … 32).
    public var scoreBits: Int
    /// Fractional bits F of scores, in time units (0 … 16, < S).
    public var scoreFrac: Int
    /// Width G of γ (8 … 32).
    public var gammaBits: Int
    /// Fractional bits of γ (1 … G − 1).
    public var gammaFrac: Int
    /// Width T of the time counter, deadlines and last-run times (16 … 40).
    public var timeBits: Int
    /// Table capacity: up to 2^variantBits model variants (1 … 8).
    public var variantBits: Int
    /// Table capacity: up to 2^layerBits layers per variant (1 … 10).
    public var layerBits: Int
    /// γ rule.
    public var gammaRule: HardwareGammaRule
    /// Score rule.
    public var scoreRule: HardwareScoreRule
    /// Multipliers of the score unit.
    public var units: HardwareUnits
    /// Scheduler clock (Hz); ``applying(_:)`` sets the measured one (``measuredClockHz``) unless `clock` is given.
    public var clockHz: Double
    /// log2 of the time unit in scheduler cycles; nil = chosen per workload (see ``resolvedTimeUnitLog2(maxIsolated:)``).
    public var timeUnitLog2: Int?
    /// Outputs the monitor counts per cycle (≥ 1).
    public var monitorLanes: Int
    /// When decision cycles are paid.
    public var timing: HardwareTiming

    /// The 32-bit preset (clocked at its measured post-route fmax, ``measuredClockHz``).
    public static let w32: HardwareConfiguration = {
        var configuration = HardwareConfiguration(
            depthLog2: 6, scoreBits: 32, scoreFrac: 8, gammaBits: 32, gammaFrac: 24, timeBits: 32, variantBits: 5,
            layerBits: 6, gammaRule: .mean, scoreRule: .dysta, units: .parallel, clockHz: 0, timeUnitLog2: nil,
            monitorLanes: 64, timing: .serial)
        configuration.clockHz = configuration.measuredClockHz
        return configuration
    }()
    /// The 16-bit preset: 16-bit scores, table entries and γ.
    public static let w16: HardwareConfiguration = {
        var configuration = w32
        configuration.scoreBits = 16
        configuration.scoreFrac = 0
        configuration.gammaBits = 16
        configuration.gammaFrac = 12
        configuration.clockHz = configuration.measuredClockHz
        return configuration
    }()

    /// Post-route fmax of the RTL on a Lattice ECP5-85k (MHz): the lowest of three nextpnr
    /// seeds, by depth, preset width and units (hw/pnr/results.csv; docs/hardware.md, "Clock").
    static let measuredFmaxMHz: [String: Double] = [
        "64-w16-parallel": 75.2, "64-w16-shared": 71.7, "64-w32-parallel": 70.3, "64-w32-shared": 71.6,
        "512-w16-parallel": 76.6, "512-w16-shared": 73.0, "512-w32-parallel": 66.1, "512-w32-shared": 71.0,
    ]

    /// The clock a configuration is charged at unless `clock` is set: the measured fmax of the
    /// nearest measured configuration — depth 64 for 2^4 … 2^7 slots and 512 for 2^8 … 2^10,
    /// w16 when scores and γ fit 16 bits (else w32), the same units; the γ and score rules do
    /// not change the measured critical paths (docs/hardware.md, "Clock").
    public var measuredClockHz: Double {
        let depth = depthLog2 <= 7 ? 64 : 512
        let width = scoreBits <= 16 && gammaBits <= 16 ? "w16" : "w32"
        return (Self.measuredFmaxMHz["\(depth)-\(width)-\(units.rawValue)"] ?? 0) * 1e6
    }

    /// Creates a configuration; see the property docs for each value.
    public init(
        depthLog2: Int, scoreBits: Int, scoreFrac: Int, gammaBits: Int, gammaFrac: Int, timeBits: Int, variantBits: Int,
        layerBits: Int, gammaRule: HardwareGammaRule, scoreRule: HardwareScoreRule, units: HardwareUnits, clockHz: Double,
        timeUnitLog2: Int?, monitorLanes: Int, timing: HardwareTiming
    ) {
        self.depthLog2 = depthLog2
        self.scoreBits = scoreBits
        self.scoreFrac = scoreFrac
        self.gammaBits = gammaBits
        self.gammaFrac = gammaFrac
        self.timeBits = timeBits
        self.variantBits = variantBits
        self.layerBits = layerBits
        self.gammaRule = gammaRule
        self.scoreRule = scoreRule
        self.units = units
        self.clockHz = clockHz
        self.timeUnitLog2 = timeUnitLog2
        self.monitorLanes = monitorLanes
        self.timing = timing
    }

    /// Number of request slots.
    public var depth: Int { 1 << depthLog2 }
    /// Largest number of variants the tables hold.
    public var maxVariants: Int { 1 << variantBits }
    /// Largest number of layers per variant the tables hold.
    public var maxLayers: Int { 1 << layerBits }
    /// Width of the γ ratio sum (mean rule).
    public var sumBits: Int { gammaBits + layerBits }

    /// Cycles per slot of a DECIDE.
    public var cyclesPerSlot: Int {
        switch units {
        case .parallel: return 1
        case .shared: return scoreRule == .dysta ? 4 : 3
        }
    }
    /// Busy cycles of DECIDE over `occupied` slots.
    public func decideCycles(occupied: Int) -> Int { cyclesPerSlot * occupied + Self.decideOverhead }
    /// Fixed cycles of a DECIDE beyond the per-slot ones (pipeline fill and the final compare).
    public static let decideOverhead = 10
    /// Busy cycles of LAYER_DONE.
    public static let layerDoneCycles = 8
    /// Busy cycles of ENQUEUE and WRITE.
    public static let writeCycles = 1

    /// Seconds the time counter spans at least with an `auto` time unit.
    public static let autoCounterSpan = 3600.0

    /// The time unit's log2 in cycles: the configured one, or the smallest that holds four times
    /// the largest estimated isolated latency `maxIsolated` (s) in the score's integer range and
    /// lets the time counter span ``autoCounterSpan``.
    public func resolvedTimeUnitLog2(maxIsolated: Double) -> Int {
        if let timeUnitLog2 { return timeUnitLog2 }
        let integerRange = Double(UInt64(1) << UInt64(scoreBits - scoreFrac))
        let counterRange = Double(FixedPoint.maxValue(timeBits))
        var log2 = 0
        while log2 < 40 {
            let unit = Double(UInt64(1) << UInt64(log2)) / clockHz
            if 4 * maxIsolated / unit < integerRange && counterRange * unit >= Self.autoCounterSpan { break }
            log2 += 1
        }
        return log2
    }

    /// Throws naming the first parameter out of range by its option name (`depth_log2`).
    public func validate() throws {
        func check(_ ok: Bool, _ name: String, _ value: Any, _ range: String) throws {
            if !ok { throw DystaError("dysta-hw option '\(name)' must be \(range) (got \(value))") }
        }
        try check((4...10).contains(depthLog2), "depth_log2", depthLog2, "4 … 10 (queue depth 16 … 1024)")
        try check((8...32).contains(scoreBits), "score_bits", scoreBits, "8 … 32")
        try check((0...16).contains(scoreFrac) && scoreFrac < scoreBits, "score_frac", scoreFrac, "0 … 16 and below score_bits")
        try check((8...32).contains(gammaBits), "gamma_bits", gammaBits, "8 … 32")
        try check(gammaFrac >= 1 && gammaFrac < gammaBits, "gamma_frac", gammaFrac, "1 … gamma_bits − 1")
        try check((16...40).contains(timeBits), "time_bits", timeBits, "16 … 40")
        try check((1...8).contains(variantBits), "variant_bits", variantBits, "1 … 8")
        try check((1...10).contains(layerBits), "layer_bits", layerBits, "1 … 10")
        try check(clockHz.isFinite && clockHz >= 1e6 && clockHz <= 1e10, "clock", clockHz, "a clock between 1e6 and 1e10 Hz")
        if let timeUnitLog2 { try check((0...40).contains(timeUnitLog2), "time_unit", timeUnitLog2, "0 … 40 (log2 of cycles) or auto") }
        try check(monitorLanes >= 1 && monitorLanes <= 1 << 16, "monitor_lanes", monitorLanes, "1 … 65536")
    }
}
