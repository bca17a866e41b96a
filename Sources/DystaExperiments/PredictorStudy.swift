import DystaAccelerators
import DystaCore
import DystaReports
import DystaScheduling
import Foundation

/// Predictor error on held-out samples (the paper's Table 4).
///
/// Samples are split by index: even samples train (the static tables are their averages),
/// odd samples are held out. After each executed layer k (1 ≤ k < L) of a held-out sample, a
/// predictor's estimate of the remaining latency is γ_k · Σ_{j≥k} avgLat_train[j]; the error is
/// against the real remaining latency. `static` (γ ≡ 1) is the pattern-aware table alone.
public struct PredictorStudy: Sendable {
    /// One row: a model variant and a predictor.
    public struct Row: Sendable {
        public var workload: String
        public var model: String
        public var predictor: String
        /// Root-mean-square error of the remaining-latency estimate (s).
        public var rmse: Double
        /// Mean of |estimate − real| / real.
        public var meanRelativeError: Double
        /// Number of (sample, layer) estimates.
        public var count: Int
    }

    /// Predictors compared: `static` plus every registered one.
    public static let predictors = ["static"] + PredictorRegistry.standard.names

    /// Runs the study on a workload profiled with its default accelerator.
    public static func run(workload: Workload, semantics: Semantics = .default) throws -> [Row] {
        let model = try AcceleratorRegistry.standard.make(workload.defaultAccelerator)
        let latencies = try workload.variants.map(model.latencies(for:))
        let train = workload.variants.map { variant in Array(stride(from: 0, to: variant.sampleCount, by: 2)) }
        let profile = try WorkloadProfile(workload: workload, latencies: latencies, lutSamples: train)
        var rows: [Row] = []
        let tables = profile.tables.variants(patternAware: true)
        for (index, variant) in profile.variants.enumerated() {
            let table = tables[index]
            let layers = variant.layerCount
            for name in predictors {
                let predictor: (any SparsityPredictor)? = name == "static" ? nil : try PredictorRegistry.standard.make(name, semantics: semantics)
                // A fitted predictor predicts odd (held-out) samples with its model fitted on the even ones.
                let fitted = predictor?.fittedGammas(profile: profile, tables: tables)?[index]
                var squares = 0.0, relative = 0.0, count = 0
                for sample in stride(from: 1, to: variant.sampleCount, by: 2) {
                    for executed in 1..<layers {
                        let gamma =
                            fitted?[sample * (layers + 1) + executed]
                            ?? predictor?.gamma(table.sparsityHistory(sample: sample, executed: executed)) ?? 1
                        let estimate = gamma * table.estimatedRemaining[executed]
                        let real = table.realRemaining[sample * (layers + 1) + executed]
                        squares += (estimate - real) * (estimate - real)
                        if real > 0 { relative += abs(estimate - real) / real }
                        count += 1
                    }
                }
                rows.append(
                    Row(
                        workload: workload.name, model: workload.variants[index].name, predictor: name,
                        rmse: count > 0 ? (squares / Double(count)).squareRoot() : 0,
                        meanRelativeError: count > 0 ? relative / Double(count) : 0, count: count))
            }
        }
        return rows
    }
}

/// Pearson correlation between every pair of layers' zero fractions across samples (Fig. 9).
public func layerCorrelationMatrix(_ variant: ModelVariant) -> [[Double?]] {
    let zero = variant.trace.values(.zeroFraction) ?? []
    let n = variant.sampleCount, l = variant.layerCount
    let columns = (0..<l).map { layer in (0..<n).map { zero[$0 * l + layer] } }
    return (0..<l).map { i in (0..<l).map { j in TraceStatistics.pearson(columns[i], columns[j]) } }
}
