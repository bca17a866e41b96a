/// One variant's real latencies, zero fractions and static tables, ready for simulation.
public struct VariantProfile: Sendable {
    /// The variant's name.
    public let name: String
    /// Index of its architecture in `WorkloadProfile.architectures`.
    public let architectureIndex: Int
    /// Number of samples N.
    public let sampleCount: Int
    /// Number of layers L.
    public let layerCount: Int
    /// Real layer latency (s), row-major N × L.
    public let latency: [Double]
    /// Measured zero fraction after each layer, row-major N × L.
    public let zeroFraction: [Double]
    /// Real isolated latency of each sample (s).
    public let isolated: [Double]
    /// Real remaining latency, row-major N × (L+1): Σ_{j≥k} latency, summed left to right.
    public let realRemaining: [Double]
    /// Pattern-aware table (this variant's own averages).
    public let lut: StaticLUT
    /// `(1 − s) / (1 − avgS)` of every cell against this variant's averages, row-major N × L.
    public let sparsityRatio: [Double]
    /// Prefix sums of `sparsityRatio` per sample, row-major N × (L+1), summed left to right.
    public let sparsityRatioPrefix: [Double]
    /// Outputs the sparsity monitor counts over for each cell, row-major N × L (docs/hardware.md,
    /// "Monitor"): the non-zero count is (1 − zero fraction) × this.
    public let monitorOutputs: [Double]
    /// The input size of each sample, known when the request arrives (N): the padded sequence
    /// length for attention models, the input's pixels (H · W) for CNNs, 1 when unknown.
    public let inputSize: [Double]

    /// Builds the profile from latency and zero-fraction matrices.
    ///
    /// - Parameter lutSamples: samples the static table is averaged over (default: all).
    public init(
        name: String, architectureIndex: Int, sampleCount: Int, layerCount: Int,
        latency: [Double], zeroFraction: [Double], lutSamples: [Int]? = nil, monitorOutputs: [Double]? = nil,
        inputSize: [Double]? = nil
    ) {
        self.name = name
        self.inputSize = inputSize ?? Array(repeating: 1, count: sampleCount)
        self.monitorOutputs = monitorOutputs ?? Array(repeating: VariantProfile.nominalMonitorOutputs, count: sampleCount * layerCount)
        self.architectureIndex = architectureIndex
        self.sampleCount = sampleCount
        self.layerCount = layerCount
        self.latency = latency
        self.zeroFraction = zeroFraction
        let lut = StaticLUT(
            latency: latency, zeroFraction: zeroFraction, layerCount: layerCount,
            samples: lutSamples ?? Array(0..<sampleCount))
        self.lut = lut
        var isolated = [Double](repeating: 0, count: sampleCount)
        var remaining = [Double](repeating: 0, count: sampleCount * (layerCount + 1))
        var ratio = [Double](repeating: 0, count: sampleCount * layerCount)
        var prefix = [Double](repeating: 0, count: sampleCount * (layerCount + 1))
        for sample in 0..<sampleCount {
            let row = sample * layerCount
            for start in 0..<layerCount {
                var total = 0.0
                for layer in start..<layerCount { total += latency[row + layer] }
                remaining[sample * (layerCount + 1) + start] = total
            }
            isolated[sample] = remaining[sample * (layerCount + 1)]
            var running = 0.0
            for layer in 0..<layerCount {
                let value = (1 - zeroFraction[row + layer]) / (1 - lut.averageZeroFraction[layer])
                ratio[row + layer] = value
                running += value
                prefix[sample * (layerCount + 1) + layer + 1] = running
            }
        }
        self.isolated = isolated
        self.realRemaining = remaining
        self.sparsityRatio = ratio
        self.sparsityRatioPrefix = prefix
    }
}

extension VariantProfile {
    /// Each sample's input size, known at arrival: `seq_len` of its first layer (attention),
    /// the first convolution's H · W (CNN, the same for every sample), else 1.
    public static func inputSize(of variant: ModelVariant) -> [Double] {
        (0..<variant.sampleCount).map { sample in
            if let length = variant.trace.value(.seqLen, sample: sample, layer: 0) { return length }
            if let shape = variant.layers.lazy.compactMap(\.convShape).first { return Double(shape.inputHeight * shape.inputWidth) }
            return 1
        }
    }

    /// Outputs assumed for a layer known only through its trace (opaque layers): 2^16.
    public static let nominalMonitorOutputs = 65536.0

    /// The outputs the monitor counts over, per (sample, layer): a convolution's or linear
    /// layer's output size M · E · F; an attention layer's heads × real_len² (the attention
    /// matrix over the sample's valid tokens; `seq_len` when `real_len` is absent); opaque
    /// layers ``nominalMonitorOutputs``.
    public static func monitorOutputs(of variant: ModelVariant) -> [Double] {
        let samples = variant.sampleCount
        let layers = variant.layerCount
        var outputs = [Double](repeating: nominalMonitorOutputs, count: samples * layers)
        for (layer, spec) in variant.layers.enumerated() where layer < layers {
            switch spec.kind {
            case .conv(let shape), .linear(let shape):
                let size = Double(shape.outputChannels * max(shape.outputHeight, 1) * max(shape.outputWidth, 1))
                for sample in 0..<samples { outputs[sample * layers + layer] = size }
            case .attention(let heads, _, _):
                for sample in 0..<samples {
                    let length =
                        variant.trace.value(.realLen, sample: sample, layer: layer)
                        ?? variant.trace.value(.seqLen, sample: sample, layer: layer) ?? 256
                    outputs[sample * layers + layer] = Double(heads) * length * length
                }
            case .opaque:
                break
            }
        }
        return outputs
    }
}

/// A workload after a latency model was applied: what the simulator and the policies read.
public struct WorkloadProfile: Sendable {
    /// Workload name.
    public let name: String
    /// Variants in workload order (sorted by name).
    public let variants: [VariantProfile]
    /// Architecture keys, sorted.
    public let architectures: [String]
    /// Pattern-unaware tables, one per architecture (sample-count-weighted over its variants).
    public let architectureLUTs: [StaticLUT]
    /// Every table flattened into one allocation for the simulator.
    public let tables: ProfileTables

    /// Builds the profile from a workload and one latency matrix (N × L) per variant.
    ///
    /// - Parameter lutSamples: per variant, the samples the static tables average over
    ///   (default: all samples; the predictor study passes a training half).
    public init(workload: Workload, latencies: [[Double]], lutSamples: [[Int]]? = nil) throws {
        precondition(latencies.count == workload.variants.count)
        let architectures = Array(Set(workload.variants.map(\.architecture))).sorted()
        var variants: [VariantProfile] = []
        for (index, variant) in workload.variants.enumerated() {
            guard let zero = variant.trace.values(.zeroFraction) else {
                throw DystaError(
                    "model '\(variant.name)' has no zero fraction", file: variant.sourcePath,
                    column: TraceColumn.zeroFraction.name)
            }
            variants.append(
                VariantProfile(
                    name: variant.name,
                    architectureIndex: architectures.firstIndex(of: variant.architecture)!,
                    sampleCount: variant.sampleCount, layerCount: variant.layerCount,
                    latency: latencies[index], zeroFraction: zero,
                    lutSamples: lutSamples?[index], monitorOutputs: VariantProfile.monitorOutputs(of: variant),
                    inputSize: VariantProfile.inputSize(of: variant)))
        }
        var luts: [StaticLUT] = []
        for architecture in architectures {
            let members = workload.variants.indices.filter {
                workload.variants[$0].architecture == architecture
            }
            let layerCounts = Set(members.map { workload.variants[$0].layerCount })
            guard layerCounts.count == 1 else {
                throw DystaError(
                    "the variants of architecture '\(architecture)' have different layer counts "
                        + "(\(layerCounts.sorted().map(String.init).joined(separator: ", "))); "
                        + "a pattern-unaware table needs equal counts")
            }
            luts.append(StaticLUT.weightedAverage(members.map { variants[$0].lut }))
        }
        self.name = workload.name
        self.variants = variants
        self.architectures = architectures
        self.architectureLUTs = luts
        self.tables = ProfileTables(variants: variants, architectureLUTs: luts)
    }

    /// The pattern-unaware table of a variant.
    public func architectureLUT(ofVariant index: Int) -> StaticLUT {
        architectureLUTs[variants[index].architectureIndex]
    }

    /// Index of the variant with this name, if any.
    public func variantIndex(named name: String) -> Int? {
        variants.firstIndex { $0.name == name }
    }
}
