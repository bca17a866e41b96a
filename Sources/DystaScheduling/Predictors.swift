import DystaCore

/// The monitor's record of one request: per executed layer, the measured and average zero fraction.
///
/// `ratio(i)` = (1 − s_i) / (1 − avgS_i) for executed layers i < `executed`; prefix sums are
/// precomputed left to right so the built-in predictors cost O(1) or O(N) per layer.
public struct SparsityHistory {
    /// Number of executed layers k (≥ 1 when a predictor is asked).
    public let executed: Int
    @usableFromInline let ratios: UnsafeBufferPointer<Double>
    @usableFromInline let prefix: UnsafeBufferPointer<Double>
    @usableFromInline let measured: UnsafeBufferPointer<Double>
    @usableFromInline let average: UnsafeBufferPointer<Double>

    /// Creates a history over one sample's row of ratios (L values), prefix sums (L+1),
    /// measured zero fractions (L) and the table's averages (L).
    public init(
        executed: Int, ratios: UnsafeBufferPointer<Double>, prefix: UnsafeBufferPointer<Double>,
        measured: UnsafeBufferPointer<Double>, average: UnsafeBufferPointer<Double>
    ) {
        self.executed = executed
        self.ratios = ratios
        self.prefix = prefix
        self.measured = measured
        self.average = average
    }

    /// (1 − s_i) / (1 − avgS_i) of executed layer `i`.
    @inlinable public func ratio(_ i: Int) -> Double {
        precondition(i < executed, "only executed layers are visible")
        return ratios[i]
    }
    /// Σ of the ratios of layers 0 ..< k, summed left to right (k ≤ executed).
    @inlinable public func ratioSum(upTo k: Int) -> Double {
        precondition(k <= executed, "only executed layers are visible")
        return prefix[k]
    }
    /// Measured zero fraction of executed layer `i`.
    @inlinable public func measuredZeroFraction(_ i: Int) -> Double {
        precondition(i < executed, "only executed layers are visible")
        return measured[i]
    }
    /// Average zero fraction of layer `i` in the static table (any layer).
    @inlinable public func averageZeroFraction(_ i: Int) -> Double { average[i] }
    /// Number of layers L.
    @inlinable public var layerCount: Int { average.count }
}

extension VariantTables {
    /// The monitor's record of one sample of this variant after `executed` layers.
    @inlinable
    public func sparsityHistory(sample: Int, executed: Int) -> SparsityHistory {
        let row = sample * layerCount
        return SparsityHistory(
            executed: executed,
            ratios: UnsafeBufferPointer(start: ratio + row, count: layerCount),
            prefix: UnsafeBufferPointer(start: ratioPrefix + sample * (layerCount + 1), count: layerCount + 1),
            measured: UnsafeBufferPointer(start: zero + row, count: layerCount),
            average: UnsafeBufferPointer(start: averageZero, count: layerCount))
    }
}

/// Turns the monitor's record into γ, the factor applied to a request's remaining estimate.
///
/// Conform and register in a ``PredictorRegistry`` to make a predictor selectable by name.
public protocol SparsityPredictor: Sendable {
    /// The name users select it by.
    var name: String { get }
    /// γ after `history.executed` ≥ 1 layers.
    func gamma(_ history: SparsityHistory) -> Double
    /// A predictor fitted on the workload returns γ for every (sample, executed layers 0 … L)
    /// of each variant, row-major N × (L+1), relative to the estimates of `tables`; the engine
    /// then uses these (γ before the first layer included) instead of ``gamma(_:)``. Default
    /// nil: γ comes from the monitor's record alone.
    func fittedGammas(profile: WorkloadProfile, tables: UnsafeMutableBufferPointer<VariantTables>) -> [[Double]]?
}

extension SparsityPredictor {
    /// Default: not fitted.
    public func fittedGammas(profile: WorkloadProfile, tables: UnsafeMutableBufferPointer<VariantTables>) -> [[Double]]? { nil }
}

/// Mean of the ratios of all executed layers (the artifact's default).
public struct AverageRatioPredictor: SparsityPredictor {
    public var name: String { "avg-ratio" }
    public init() {}
    @inlinable public func gamma(_ history: SparsityHistory) -> Double {
        history.ratioSum(upTo: history.executed) / Double(history.executed)
    }
}

/// Ratio of the last executed layer only (what the paper's RTL implements).
public struct LastOnePredictor: SparsityPredictor {
    public var name: String { "last-one" }
    public init() {}
    @inlinable public func gamma(_ history: SparsityHistory) -> Double {
        history.ratio(history.executed - 1)
    }
}

/// Mean of the last N ratios, dividing by the number present (or by N, as the artifact did).
public struct LastNPredictor: SparsityPredictor {
    /// Window size N.
    public let window: Int
    /// Divide by N even when fewer ratios exist (artifact behaviour).
    public let divideByWindow: Bool
    public var name: String { "last-n" }
    public init(window: Int = 3, divideByWindow: Bool = false) {
        self.window = max(1, window)
        self.divideByWindow = divideByWindow
    }
    @inlinable public func gamma(_ history: SparsityHistory) -> Double {
        let start = max(0, history.executed - window)
        var total = 0.0
        for index in start..<history.executed { total += history.ratio(index) }
        let present = history.executed - start
        return total / Double(divideByWindow ? window : present)
    }
}
