import DystaCore

/// The model behind the `size-sparsity` predictor: a variant's remaining latency from what a
/// scheduler knows — the request's input size at arrival and the sparsity the monitor saw on
/// the executed layers — fitted by least squares on training samples only.
///
/// - Before any layer: R̂₀ = Σ_j f_j(x), with f_j(x) = a_j + b_j·x + c_j·x² per layer fitted on
///   the training samples (x = input size, scaled; fewer terms when the training samples have
///   fewer distinct sizes — a CNN's fixed resolution leaves the per-layer mean).
/// - After k layers: R̂_k = B_k · (1 + α_k · (ρ_k − 1)), B_k = Σ_{j≥k} f_j(x), ρ_k the mean
///   sparsity ratio (1 − s_i)/(1 − avgS_i) of the executed layers, α_k fitted per k on the
///   training samples (clamped to [−2, 2]); α_k = 0 means the sparsity carries nothing.
///
/// Documented in docs/semantics.md ("Predictors").
public struct RemainingLatencyModel: Sendable, Equatable {
    /// Per layer: coefficients of f_j in the scaled size (constant, linear, quadratic).
    public let layerCoefficients: [[Double]]
    /// Per executed-layer count k (index k, 0 unused): the sparsity weight α_k.
    public let sparsityWeights: [Double]
    /// Per executed-layer count k: the weight δ_k of the executed layers' measured-to-predicted
    /// latency ratio λ_k (the scheduler timed them).
    public let elapsedWeights: [Double]
    /// The size scale (mean training size).
    public let sizeScale: Double

    /// Fits the model of `variant` on `samples` (indices into its samples; non-empty).
    public init(variant: VariantProfile, samples: [Int]) {
        let layers = variant.layerCount
        let sizes = samples.map { variant.inputSize[$0] }
        let scale = max(sizes.reduce(0, +) / Double(max(sizes.count, 1)), 1e-12)
        let distinct = Set(sizes).count
        let terms = min(3, distinct)
        var coefficients: [[Double]] = []
        for layer in 0..<layers {
            let targets = samples.map { variant.latency[$0 * layers + layer] }
            coefficients.append(Self.leastSquares(sizes.map { $0 / scale }, targets, terms: terms))
        }
        layerCoefficients = coefficients
        sizeScale = scale
        var weights = [Double](repeating: 0, count: layers + 1)
        var elapsed = [Double](repeating: 0, count: layers + 1)
        let sampleBases = samples.map { Self.suffixBases(coefficients, size: variant.inputSize[$0] / scale) }
        for executed in 1..<max(layers, 1) {
            // Least squares of (real − B) on B·(ρ − 1) and B·(λ − 1): a 2 × 2 system.
            var a11 = 0.0, a12 = 0.0, a22 = 0.0, b1 = 0.0, b2 = 0.0
            for (position, sample) in samples.enumerated() {
                let (base, f1, f2) = Self.features(sampleBases[position], variant: variant, sample: sample, executed: executed)
                let real = variant.realRemaining[sample * (layers + 1) + executed]
                guard f1.isFinite, f2.isFinite, real.isFinite else { continue }
                a11 += f1 * f1
                a12 += f1 * f2
                a22 += f2 * f2
                b1 += f1 * (real - base)
                b2 += f2 * (real - base)
            }
            let determinant = a11 * a22 - a12 * a12
            if determinant > 1e-12 * max(a11 * a22, 1e-300) {
                weights[executed] = min(2, max(-2, (b1 * a22 - b2 * a12) / determinant))
                elapsed[executed] = min(2, max(-2, (a11 * b2 - a12 * b1) / determinant))
            } else if a11 > 0 {
                weights[executed] = min(2, max(-2, b1 / a11))
            }
        }
        elapsedWeights = elapsed
        sparsityWeights = weights
    }

    /// B_k and the two correction features B·(ρ − 1), B·(λ − 1) after `executed` layers, from
    /// the sample's ``suffixBases(_:size:)``.
    static func features(_ bases: [Double], variant: VariantProfile, sample: Int, executed: Int) -> (Double, Double, Double) {
        let layers = variant.layerCount
        let base = bases[executed]
        let ratio = variant.sparsityRatioPrefix[sample * (layers + 1) + executed] / Double(executed)
        let predictedDone = bases[0] - base
        let done = variant.realRemaining[sample * (layers + 1)] - variant.realRemaining[sample * (layers + 1) + executed]
        let elapsedRatio = predictedDone > 0 ? done / predictedDone : 1
        return (base, base * (ratio - 1), base * (elapsedRatio - 1))
    }

    /// B_k = Σ_{j ≥ k} max(f_j(size), 0) for k = 0 … L (summed from the last layer down, so
    /// every B_k costs one addition).
    static func suffixBases(_ coefficients: [[Double]], size: Double) -> [Double] {
        var sums = [Double](repeating: 0, count: coefficients.count + 1)
        for j in stride(from: coefficients.count - 1, through: 0, by: -1) {
            var value = 0.0, power = 1.0
            for term in coefficients[j] {
                value += term * power
                power *= size
            }
            sums[j] = sums[j + 1] + max(value, 0)
        }
        return sums
    }

    /// The remaining latency (s) of `sample` of `variant` after `executed` layers (0 … L).
    public func remaining(variant: VariantProfile, sample: Int, executed: Int) -> Double {
        remaining(variant: variant, sample: sample, executed: executed, bases: Self.suffixBases(layerCoefficients, size: variant.inputSize[sample] / sizeScale))
    }

    /// The remaining latency (s) of `sample` after 0 … L executed layers (L + 1 values, in
    /// O(L) instead of O(L²) for L calls of ``remaining(variant:sample:executed:)``).
    public func remainingRow(variant: VariantProfile, sample: Int) -> [Double] {
        let bases = Self.suffixBases(layerCoefficients, size: variant.inputSize[sample] / sizeScale)
        return (0...variant.layerCount).map { remaining(variant: variant, sample: sample, executed: $0, bases: bases) }
    }

    func remaining(variant: VariantProfile, sample: Int, executed: Int, bases: [Double]) -> Double {
        let layers = variant.layerCount
        guard executed > 0, executed < layers else { return bases[executed] }
        let (base, sparsity, elapsed) = Self.features(bases, variant: variant, sample: sample, executed: executed)
        let corrected = base + sparsityWeights[executed] * sparsity + elapsedWeights[executed] * elapsed
        return corrected.isFinite ? max(corrected, 0) : base
    }

    /// Least-squares coefficients of y on (1, x, x², …) with `terms` terms (normal equations,
    /// Gaussian elimination with partial pivoting; a singular system drops to fewer terms).
    static func leastSquares(_ x: [Double], _ y: [Double], terms: Int) -> [Double] {
        guard terms > 0, !x.isEmpty else { return [0] }
        var matrix = [[Double]](repeating: [Double](repeating: 0, count: terms + 1), count: terms)
        for (xi, yi) in zip(x, y) {
            var powers = [Double](repeating: 1, count: 2 * terms)
            for p in 1..<(2 * terms) { powers[p] = powers[p - 1] * xi }
            for row in 0..<terms {
                for column in 0..<terms { matrix[row][column] += powers[row + column] }
                matrix[row][terms] += powers[row] * yi
            }
        }
        for column in 0..<terms {
            var pivot = column
            for row in column..<terms where abs(matrix[row][column]) > abs(matrix[pivot][column]) { pivot = row }
            guard abs(matrix[pivot][column]) > 1e-12 else { return leastSquares(x, y, terms: terms - 1) + [0] }
            matrix.swapAt(column, pivot)
            for row in 0..<terms where row != column {
                let factor = matrix[row][column] / matrix[column][column]
                for k in column...terms { matrix[row][k] -= factor * matrix[column][k] }
            }
        }
        return (0..<terms).map { matrix[$0][terms] / matrix[$0][$0] }
    }
}

/// `size-sparsity`: the remaining latency from the input size and the observed sparsity
/// (``RemainingLatencyModel``), cross-fitted so that no sample is predicted by a model trained
/// on it: even samples by the model fitted on odd samples and vice versa.
public struct SizeSparsityPredictor: SparsityPredictor {
    public var name: String { "size-sparsity" }
    public init() {}

    /// Without its fitted tables it falls back to the monitor's average ratio.
    public func gamma(_ history: SparsityHistory) -> Double { history.ratioSum(upTo: history.executed) / Double(history.executed) }

    public func fittedGammas(profile: WorkloadProfile, tables: UnsafeMutableBufferPointer<VariantTables>) -> [[Double]]? {
        profile.variants.enumerated().map { index, variant in
            let layers = variant.layerCount
            let models = Self.crossFitted(variant)
            var gammas = [Double](repeating: 1, count: variant.sampleCount * (layers + 1))
            for sample in 0..<variant.sampleCount {
                let row = models[sample % 2].remainingRow(variant: variant, sample: sample)
                for executed in 0...layers {
                    let estimate = tables[index].estimatedRemaining[executed]
                    let predicted = row[executed]
                    gammas[sample * (layers + 1) + executed] = estimate > 0 && predicted.isFinite ? predicted / estimate : 1
                }
            }
            return gammas
        }
    }

    /// The models that predict even samples (fitted on odd ones) and odd samples (fitted on even ones).
    public static func crossFitted(_ variant: VariantProfile) -> [RemainingLatencyModel] {
        let even = Array(stride(from: 0, to: variant.sampleCount, by: 2))
        let odd = Array(stride(from: 1, to: variant.sampleCount, by: 2))
        let fittedOnEven = RemainingLatencyModel(variant: variant, samples: even)
        let fittedOnOdd = odd.isEmpty ? fittedOnEven : RemainingLatencyModel(variant: variant, samples: odd)
        return [fittedOnOdd, fittedOnEven]
    }
}
