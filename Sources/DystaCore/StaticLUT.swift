/// The static look-up table of one model variant or architecture: per-layer averages over samples.
public struct StaticLUT: Sendable, Equatable {
    /// Mean latency of each layer over samples (s).
    public let averageLatency: [Double]
    /// Mean zero fraction of each layer over samples.
    public let averageZeroFraction: [Double]
    /// Mean over samples of the end-to-end isolated latency (s).
    public let meanIsolated: Double
    /// `suffix[k]` = Σ_{j≥k} averageLatency[j], summed left to right (k = 0 … L; suffix[L] = 0).
    public let remainingFromLayer: [Double]
    /// Number of samples the averages cover (the weight in architecture averages).
    public let sampleCount: Int

    /// Creates a table from per-layer means (the suffix sums are derived).
    public init(
        averageLatency: [Double], averageZeroFraction: [Double], meanIsolated: Double,
        sampleCount: Int
    ) {
        self.averageLatency = averageLatency
        self.averageZeroFraction = averageZeroFraction
        self.meanIsolated = meanIsolated
        self.sampleCount = sampleCount
        self.remainingFromLayer = StaticLUT.leftToRightSuffixSums(averageLatency)
    }

    /// Σ of the remaining estimates, each computed left to right as a list sum would be.
    static func leftToRightSuffixSums(_ values: [Double]) -> [Double] {
        var sums = [Double](repeating: 0, count: values.count + 1)
        for start in 0..<values.count {
            var total = 0.0
            for index in start..<values.count { total += values[index] }
            sums[start] = total
        }
        return sums
    }

    /// Averages over the given samples of a latency and zero-fraction matrix (row-major N × L).
    public init(latency: [Double], zeroFraction: [Double], layerCount: Int, samples: [Int]) {
        let count = Double(samples.count)
        var averageLatency = [Double](repeating: 0, count: layerCount)
        var averageZero = [Double](repeating: 0, count: layerCount)
        var isolatedTotal = 0.0
        for sample in samples {
            var isolated = 0.0
            for layer in 0..<layerCount {
                let value = latency[sample * layerCount + layer]
                averageLatency[layer] += value
                averageZero[layer] += zeroFraction[sample * layerCount + layer]
                isolated += value
            }
            isolatedTotal += isolated
        }
        for layer in 0..<layerCount {
            averageLatency[layer] /= count
            averageZero[layer] /= count
        }
        self.init(
            averageLatency: averageLatency, averageZeroFraction: averageZero,
            meanIsolated: isolatedTotal / count, sampleCount: samples.count)
    }

    /// The sample-count-weighted average of several tables with the same layer count.
    public static func weightedAverage(_ tables: [StaticLUT]) -> StaticLUT {
        let layerCount = tables[0].averageLatency.count
        var latency = [Double](repeating: 0, count: layerCount)
        var zero = [Double](repeating: 0, count: layerCount)
        var isolated = 0.0
        var total = 0
        for table in tables {
            let weight = Double(table.sampleCount)
            for layer in 0..<layerCount {
                latency[layer] += weight * table.averageLatency[layer]
                zero[layer] += weight * table.averageZeroFraction[layer]
            }
            isolated += weight * table.meanIsolated
            total += table.sampleCount
        }
        let denominator = Double(total)
        return StaticLUT(
            averageLatency: latency.map { $0 / denominator },
            averageZeroFraction: zero.map { $0 / denominator },
            meanIsolated: isolated / denominator, sampleCount: total)
    }
}
