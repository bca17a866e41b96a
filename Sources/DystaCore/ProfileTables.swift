/// One variant's tables as raw pointers into `ProfileTables` storage, for the simulator's hot
/// loop (no reference counting, no nested arrays).
public struct VariantTables: @unchecked Sendable {
    public var layerCount: Int
    /// Real latency, N × L.
    public var latency: UnsafePointer<Double>
    /// Real remaining latency, N × (L+1).
    public var realRemaining: UnsafePointer<Double>
    /// Real isolated latency, N.
    public var isolated: UnsafePointer<Double>
    /// Sparsity ratios N × L, their prefix sums N × (L+1), measured zero fractions N × L.
    public var ratio: UnsafePointer<Double>
    public var ratioPrefix: UnsafePointer<Double>
    public var zero: UnsafePointer<Double>
    /// Layer estimates (L) and remaining sums (L+1) of the chosen table; the variant's average zero fractions (L).
    public var estimate: UnsafePointer<Double>
    public var estimatedRemaining: UnsafePointer<Double>
    public var averageZero: UnsafePointer<Double>
    /// Per sample and layer, interleaved: the layer's real latency, then the real remaining
    /// latency after it (N × L × 2) — what running a layer reads, in one cache line.
    public var steps: UnsafePointer<Double>
}

/// A profile's tables copied once into one immutable allocation, shared by every run.
public final class ProfileTables: @unchecked Sendable {
    let storage: UnsafeMutableBufferPointer<Double>
    let aware: UnsafeMutableBufferPointer<VariantTables>
    let unaware: UnsafeMutableBufferPointer<VariantTables>

    init(variants: [VariantProfile], architectureLUTs: [StaticLUT]) {
        var arrays: [[Double]] = []
        for variant in variants {
            let unawareLUT = architectureLUTs[variant.architectureIndex]
            arrays += [
                variant.latency, variant.realRemaining, variant.isolated, variant.sparsityRatio, variant.sparsityRatioPrefix,
                variant.zeroFraction, variant.lut.averageLatency, variant.lut.remainingFromLayer, variant.lut.averageZeroFraction,
                unawareLUT.averageLatency, unawareLUT.remainingFromLayer, Self.steps(of: variant),
            ]
        }
        let total = arrays.reduce(0) { $0 + $1.count }
        storage = .allocate(capacity: max(total, 1))
        var offsets: [Int] = []
        var cursor = 0
        for array in arrays {
            offsets.append(cursor)
            _ = UnsafeMutableBufferPointer(rebasing: storage[cursor..<(cursor + array.count)]).initialize(from: array)
            cursor += array.count
        }
        aware = .allocate(capacity: max(variants.count, 1))
        unaware = .allocate(capacity: max(variants.count, 1))
        let base = UnsafePointer(storage.baseAddress!)
        for (index, variant) in variants.enumerated() {
            let o = Array(offsets[(index * 12)..<(index * 12 + 12)])
            let table = VariantTables(
                layerCount: variant.layerCount, latency: base + o[0], realRemaining: base + o[1], isolated: base + o[2],
                ratio: base + o[3], ratioPrefix: base + o[4], zero: base + o[5], estimate: base + o[6],
                estimatedRemaining: base + o[7], averageZero: base + o[8], steps: base + o[11])
            (aware.baseAddress! + index).initialize(to: table)
            var other = table
            other.estimate = base + o[9]
            other.estimatedRemaining = base + o[10]
            (unaware.baseAddress! + index).initialize(to: other)
        }
    }

    /// Latency and remaining latency after each layer, interleaved per sample and layer.
    static func steps(of variant: VariantProfile) -> [Double] {
        let layers = variant.layerCount
        var steps: [Double] = []
        steps.reserveCapacity(variant.sampleCount * layers * 2)
        for sample in 0..<variant.sampleCount {
            for layer in 0..<layers {
                steps.append(variant.latency[sample * layers + layer])
                steps.append(variant.realRemaining[sample * (layers + 1) + layer + 1])
            }
        }
        return steps
    }

    /// The per-variant tables with pattern-aware (own) or pattern-unaware (architecture) estimates.
    public func variants(patternAware: Bool) -> UnsafeMutableBufferPointer<VariantTables> {
        patternAware ? aware : unaware
    }

    deinit {
        storage.deallocate()
        aware.deallocate()
        unaware.deallocate()
    }
}
