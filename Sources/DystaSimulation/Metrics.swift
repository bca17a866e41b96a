import DystaCore

/// The paper's metrics of one run (docs/semantics.md); `nil` where a metric is undefined.
public struct RunMetrics: Sendable, Equatable {
    /// Number of requests.
    public var count: Int
    /// Fraction of requests finished after their deadline.
    public var violationRate: Double?
    /// Average normalised turnaround time: mean of (finish − arrival) / isolated latency.
    public var antt: Double?
    /// Requests per second over (last finish − first arrival) (the artifact's STP).
    public var throughput: Double?
    /// Median turnaround (s).
    public var latencyP50: Double?
    /// 95th-percentile turnaround (s).
    public var latencyP95: Double?
    /// 99th-percentile turnaround (s).
    public var latencyP99: Double?
    /// Mean normalised progress: mean of isolated latency / turnaround.
    public var meanNormalizedProgress: Double?
    /// Worst normalised turnaround: the largest (finish − arrival) / isolated latency — the
    /// request that waited longest relative to its size (starvation shows here first).
    public var worstNormalizedTurnaround: Double?

    /// The metric names in report order.
    public static let names = [
        "violation_rate", "antt", "throughput", "latency_p50", "latency_p95", "latency_p99", "mean_np", "worst_ntt",
    ]

    /// Metric values in ``names`` order.
    public var values: [Double?] {
        [violationRate, antt, throughput, latencyP50, latencyP95, latencyP99, meanNormalizedProgress, worstNormalizedTurnaround]
    }

    /// Metrics given directly, in ``names`` order (e.g. read back from a results file).
    public init(count: Int, values: [Double?]) {
        precondition(values.count == Self.names.count)
        self.count = count
        violationRate = values[0]
        antt = values[1]
        throughput = values[2]
        latencyP50 = values[3]
        latencyP95 = values[4]
        latencyP99 = values[5]
        meanNormalizedProgress = values[6]
        worstNormalizedTurnaround = values[7]
    }

    /// Computes the metrics of a set of completed requests.
    public init(_ requests: some Collection<CompletedRequest>) {
        var accumulator = MetricsAccumulator()
        accumulator.reserve(requests.count)
        for request in requests { accumulator.add(request) }
        self = accumulator.metrics()
    }

    /// Linear-interpolation percentile (numpy's default) of sorted values; `q` in [0, 1].
    public static func percentile(sorted values: [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let position = q * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        return values[lower] + (values[upper] - values[lower]) * fraction
    }
}

/// Metrics of a run, overall and per model variant.
public struct RunReport: Sendable {
    /// All requests.
    public var overall: RunMetrics
    /// Per variant index (only variants with requests), in workload order.
    public var perModel: [(variant: Int, metrics: RunMetrics)]

    /// Computes the report of a run (one pass over the records, in id order).
    public init(_ run: SimulationRun, variantCount: Int) {
        var all = MetricsAccumulator()
        all.reserve(run.requests.count)
        var byVariant = [MetricsAccumulator](repeating: MetricsAccumulator(), count: variantCount)
        for request in run.requests {
            all.add(request)
            byVariant[request.variant].add(request)
        }
        overall = all.metrics()
        perModel = []
        for variant in byVariant.indices where byVariant[variant].count > 0 {
            perModel.append((variant, byVariant[variant].metrics()))
        }
    }
}

/// Sums and turnarounds of requests added one at a time (in the order that fixes the sums'
/// rounding: id order everywhere in this project).
public struct MetricsAccumulator: Sendable {
    /// Requests added.
    public private(set) var count = 0
    var violations = 0
    var normalizedSum = 0.0
    var progressSum = 0.0
    var worstNormalized = -Double.infinity
    var definedRatios = true
    var firstArrival = Double.infinity
    var lastFinish = -Double.infinity
    var turnarounds: [Double] = []

    /// An empty accumulator.
    public init() {}

    /// Reserves room for `count` turnarounds.
    public mutating func reserve(_ count: Int) { turnarounds.reserveCapacity(count) }

    /// Adds one completed request.
    public mutating func add(_ request: CompletedRequest) {
        count += 1
        if request.violated { violations += 1 }
        let turnaround = request.turnaround
        turnarounds.append(turnaround)
        if request.isolated > 0 && turnaround > 0 {
            let normalized = turnaround / request.isolated
            normalizedSum += normalized
            worstNormalized = max(worstNormalized, normalized)
            progressSum += request.isolated / turnaround
        } else {
            definedRatios = false
        }
        firstArrival = min(firstArrival, request.arrival)
        lastFinish = max(lastFinish, request.finish)
    }

    /// The metrics of the requests added (exact percentiles: sorts the turnarounds in place).
    public mutating func metrics() -> RunMetrics {
        var metrics = RunMetrics(count: count, values: Array(repeating: nil, count: RunMetrics.names.count))
        guard count > 0 else { return metrics }
        let n = Double(count)
        metrics.violationRate = Double(violations) / n
        if definedRatios {
            metrics.antt = normalizedSum / n
            metrics.meanNormalizedProgress = progressSum / n
            metrics.worstNormalizedTurnaround = worstNormalized
        }
        let span = lastFinish - firstArrival
        metrics.throughput = span > 0 ? n / span : nil
        if turnarounds.contains(where: \.isNaN) {
            turnarounds.sort()
            metrics.latencyP50 = RunMetrics.percentile(sorted: turnarounds, 0.50)
            metrics.latencyP95 = RunMetrics.percentile(sorted: turnarounds, 0.95)
            metrics.latencyP99 = RunMetrics.percentile(sorted: turnarounds, 0.99)
        } else {
            // Three order-statistic pairs by selection (O(n)) instead of a full sort: the
            // values are the same elements a sort would put at those ranks.
            metrics.latencyP50 = OrderStatistics.percentile(&turnarounds, 0.50)
            metrics.latencyP95 = OrderStatistics.percentile(&turnarounds, 0.95)
            metrics.latencyP99 = OrderStatistics.percentile(&turnarounds, 0.99)
        }
        return metrics
    }
}

/// Mean and 95% confidence interval of one metric across seeds.
public struct SeedSummary: Sendable, Equatable {
    /// Number of seeds with a defined value.
    public var count: Int
    /// Arithmetic mean (nil when no seed had a value).
    public var mean: Double?
    /// Half-width of the 95% Student-t confidence interval (nil with fewer than 2 values).
    public var halfWidth: Double?
    /// Sample standard deviation (nil with fewer than 2 values).
    public var standardDeviation: Double?

    /// Summarises values; `nil` entries (undefined metrics) are left out and counted as missing.
    public init(_ values: [Double?]) {
        let defined = values.compactMap { $0 }
        count = defined.count
        guard !defined.isEmpty else { return }
        let n = Double(defined.count)
        var total = 0.0
        for value in defined { total += value }
        let mean = total / n
        self.mean = mean
        guard defined.count >= 2 else { return }
        var squares = 0.0
        for value in defined { squares += (value - mean) * (value - mean) }
        let deviation = (squares / (n - 1)).squareRoot()
        standardDeviation = deviation
        halfWidth = Self.studentT975(degreesOfFreedom: defined.count - 1) * deviation / n.squareRoot()
    }

    /// The 0.975 quantile of Student's t distribution (two-sided 95%).
    public static func studentT975(degreesOfFreedom df: Int) -> Double {
        let table: [Double] = [
            12.706204736, 4.302652730, 3.182446305, 2.776445105, 2.570581836, 2.446911851, 2.364624252,
            2.306004135, 2.262157163, 2.228138852, 2.200985160, 2.178812830, 2.160368656, 2.144786688,
            2.131449546, 2.119905299, 2.109815578, 2.100922040, 2.093024054, 2.085963447, 2.079613845,
            2.073873068, 2.068657610, 2.063898562, 2.059538553, 2.055529439, 2.051830516, 2.048407142,
            2.045229642, 2.042272456,
        ]
        precondition(df >= 1)
        if df <= table.count { return table[df - 1] }
        // Cornish-Fisher expansion around the normal quantile (error < 1e-6 for df > 30).
        let z = 1.959963984540054
        let v = Double(df)
        let z3 = z * z * z, z5 = z3 * z * z, z7 = z5 * z * z, z9 = z7 * z * z
        return z + (z3 + z) / (4 * v) + (5 * z5 + 16 * z3 + 3 * z) / (96 * v * v)
            + (3 * z7 + 19 * z5 + 17 * z3 - 15 * z) / (384 * v * v * v)
            + (79 * z9 + 776 * z7 + 1482 * z5 - 1920 * z3 - 945 * z) / (92160 * v * v * v * v)
    }
}

/// Percentiles by selection: rearranges the values (no NaN) so the ranks asked for are in place.
enum OrderStatistics {
    /// ``RunMetrics/percentile(sorted:_:)`` of the values, computed without sorting them all.
    static func percentile(_ values: inout [Double], _ q: Double) -> Double? {
        guard !values.isEmpty else { return nil }
        let position = q * Double(values.count - 1)
        let lower = Int(position.rounded(.down))
        let upper = min(lower + 1, values.count - 1)
        let fraction = position - Double(lower)
        let lowerValue = select(&values, rank: lower)
        // After selection everything right of `lower` is ≥ it: the next rank is their minimum.
        var upperValue = lowerValue
        if upper > lower {
            upperValue = values[upper]
            for index in (upper + 1)..<values.count where values[index] < upperValue { upperValue = values[index] }
        }
        return lowerValue + (upperValue - lowerValue) * fraction
    }

    /// Moves the element of rank `rank` (0-based, ascending) to that index, smaller ones
    /// before it and larger or equal ones after it; returns it (Hoare-style quickselect with
    /// a median-of-three pivot; deterministic).
    static func select(_ values: inout [Double], rank: Int) -> Double {
        values.withUnsafeMutableBufferPointer { buffer in
            var low = 0
            var high = buffer.count - 1
            while high > low {
                let middle = low + (high - low) / 2
                // Median of three as the pivot value.
                let a = buffer[low], b = buffer[middle], c = buffer[high]
                let pivot = max(min(a, b), min(max(a, b), c))
                var i = low
                var j = high
                while i <= j {
                    while buffer[i] < pivot { i += 1 }
                    while buffer[j] > pivot { j -= 1 }
                    if i <= j {
                        buffer.swapAt(i, j)
                        i += 1
                        j -= 1
                    }
                }
                // Now [low, j] ≤ pivot ≤ [i, high], and (j, i) equals the pivot.
                if rank <= j {
                    high = j
                } else if rank >= i {
                    low = i
                } else {
                    return buffer[rank]
                }
            }
            return buffer[rank]
        }
    }
}
