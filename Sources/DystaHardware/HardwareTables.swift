import DystaCore

/// The static level's contribution to the hardware: the tables the host writes, quantised from
/// a workload's pattern-aware averages (docs/hardware.md, "Host quantisation").
public struct HardwareTables: Sendable {
    /// The WRITE commands, in the order the host sends them.
    public var writes: [(table: HardwareTable, index: Int, value: UInt64)]
    /// log2 of the time unit in scheduler cycles.
    public var timeUnitLog2: Int
    /// One time unit in seconds.
    public var timeUnitSeconds: Double
    /// Per variant, row-major N × L: the non-zero count the monitor reports.
    public var nonzeros: [[UInt64]]

    /// The monitor's count of one cell: round((1 − zero fraction) × outputs), 32-bit saturated.
    public static func nonzeroCount(zeroFraction: Double, outputs: Double) -> UInt64 {
        FixedPoint.round((1 - zeroFraction) * outputs, bits: FixedPoint.countBits)
    }

    /// 16-bit mantissa and shift with mantissa · 2^−shift ≈ `target` (largest shift ≤ 63 whose
    /// rounded mantissa fits 16 bits; a target too large for shift 0 saturates the mantissa).
    public static func mantissaShift(_ target: Double) -> (mantissa: UInt64, shift: UInt64) {
        guard target > 0, target.isFinite else { return (0, 0) }
        var best: (UInt64, UInt64) = (FixedPoint.round(target, bits: FixedPoint.mantissaBits), 0)
        for shift in 0...63 {
            let scaled = (target * Double(UInt64(1) << UInt64(shift)) + 0.5).rounded(.down)
            if scaled > Double(FixedPoint.maxValue(FixedPoint.mantissaBits)) { break }
            best = (UInt64(scaled), UInt64(shift))
        }
        return best
    }

    /// Builds the tables of `profile` for `configuration` and Dysta's β; throws when the workload
    /// does not fit the tables or β does not fit its register.
    public init(profile: WorkloadProfile, configuration: HardwareConfiguration, beta: Double) throws {
        let variants = profile.variants
        guard variants.count <= configuration.maxVariants else {
            throw DystaError(
                "dysta-hw: the workload has \(variants.count) model variants, the tables hold \(configuration.maxVariants) "
                    + "(raise --hw-variant-bits to \(Self.bits(for: variants.count)))")
        }
        for variant in variants where variant.layerCount > configuration.maxLayers {
            throw DystaError(
                "dysta-hw: model '\(variant.name)' has \(variant.layerCount) layers, the tables hold \(configuration.maxLayers) "
                    + "per model (raise --hw-layer-bits to \(Self.bits(for: variant.layerCount)))")
        }
        guard beta.isFinite, beta >= 0, (beta * FixedPoint.one).rounded() <= Double(FixedPoint.maxValue(FixedPoint.betaBits)) else {
            throw DystaError("dysta-hw: beta must be ≥ 0 and below 256 to fit the Q8.16 β register (got \(beta))")
        }
        let maxIsolated = variants.map { $0.lut.remainingFromLayer[0] }.max() ?? 0
        timeUnitLog2 = configuration.resolvedTimeUnitLog2(maxIsolated: maxIsolated)
        timeUnitSeconds = Double(UInt64(1) << UInt64(timeUnitLog2)) / configuration.clockHz
        let stride = configuration.maxLayers
        let scale = Double(UInt64(1) << UInt64(configuration.scoreFrac)) / timeUnitSeconds
        var writes: [(HardwareTable, Int, UInt64)] = []
        var nonzeros: [[UInt64]] = []
        for (v, variant) in variants.enumerated() {
            let layers = variant.layerCount
            var counts = [UInt64](repeating: 0, count: variant.sampleCount * layers)
            for cell in counts.indices {
                counts[cell] = Self.nonzeroCount(zeroFraction: variant.zeroFraction[cell], outputs: variant.monitorOutputs[cell])
            }
            nonzeros.append(counts)
            writes.append((.layers, v, UInt64(layers)))
            let isolated = variant.lut.remainingFromLayer[0]
            writes.append((.penalty, v, isolated > 0 ? FixedPoint.round(beta / isolated * FixedPoint.one, bits: FixedPoint.penaltyBits) : FixedPoint.maxValue(FixedPoint.penaltyBits)))
            for layer in 0..<layers {
                writes.append((.remaining, v * stride + layer, FixedPoint.round(variant.lut.remainingFromLayer[layer] * scale, bits: configuration.scoreBits)))
                var total = 0.0
                for sample in 0..<variant.sampleCount { total += Double(counts[sample * layers + layer]) }
                let mean = total / Double(variant.sampleCount)
                let (mantissa, shift) = Self.mantissaShift(Double(UInt64(1) << UInt64(configuration.gammaFrac)) / mean)
                writes.append((.mantissa, v * stride + layer, mantissa))
                writes.append((.shift, v * stride + layer, shift))
            }
        }
        for n in 1...configuration.depth { writes.append((.reciprocalN, n - 1, FixedPoint.reciprocal(n))) }
        for j in 1...configuration.maxLayers { writes.append((.reciprocalK, j - 1, FixedPoint.reciprocal(j))) }
        writes.append((.beta, 0, FixedPoint.beta(beta)))
        self.writes = writes
        self.nonzeros = nonzeros
    }

    static func bits(for count: Int) -> Int {
        var bits = 0
        while (1 << bits) < count { bits += 1 }
        return bits
    }
}
