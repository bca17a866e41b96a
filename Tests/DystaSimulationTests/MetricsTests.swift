import DystaSimulation
import Testing

func record(_ id: Int, arrival: Double, finish: Double, isolated: Double, deadline: Double) -> CompletedRequest {
    CompletedRequest(id: id, variant: 0, sample: 0, priority: 1, arrival: arrival, deadline: deadline, finish: finish, isolated: isolated)
}

@Suite("Metrics")
struct MetricsTests {
    let records = [
        record(0, arrival: 0, finish: 1, isolated: 0.5, deadline: 2),  // NTT 2, on time
        record(1, arrival: 1, finish: 4, isolated: 1, deadline: 3),  // NTT 3, violated
        record(2, arrival: 2, finish: 5, isolated: 3, deadline: 5),  // NTT 1, on time (equal)
        record(3, arrival: 3, finish: 9, isolated: 2, deadline: 8),  // NTT 3, violated
    ]

    @Test func violationRateANTTThroughputProgress() {
        let metrics = RunMetrics(records)
        #expect(metrics.count == 4)
        #expect(metrics.violationRate == 0.5)
        #expect(metrics.antt == (2 + 3 + 1 + 3) / 4.0)
        #expect(metrics.throughput == 4.0 / 9)
        #expect(abs(metrics.meanNormalizedProgress! - (0.5 + 1 / 3.0 + 1 + 1 / 3.0) / 4) < 1e-15)
    }

    @Test func percentilesInterpolateLinearly() {
        // Turnarounds: 1, 3, 3, 6.
        let metrics = RunMetrics(records)
        #expect(metrics.latencyP50 == 3)
        #expect(abs(metrics.latencyP95! - (3 + 0.85 * 3)) < 1e-12)
        #expect(RunMetrics.percentile(sorted: [], 0.5) == nil)
        #expect(RunMetrics.percentile(sorted: [7], 0.99) == 7)
    }

    @Test func undefinedMetricsAreNilNotNaN() {
        let empty = RunMetrics([CompletedRequest]())
        #expect(empty.violationRate == nil && empty.antt == nil && empty.throughput == nil)
        let zeroIsolated = RunMetrics([record(0, arrival: 0, finish: 0, isolated: 0, deadline: 1)])
        #expect(zeroIsolated.antt == nil)
        #expect(zeroIsolated.throughput == nil)
        #expect(zeroIsolated.violationRate == 0)
    }

    @Test func seedSummaryMeanAndStudentTInterval() {
        let summary = SeedSummary([1, 2, 3, 4, 5])
        #expect(summary.mean == 3)
        #expect(abs(summary.standardDeviation! - 2.5.squareRoot()) < 1e-12)
        #expect(abs(summary.halfWidth! - 2.776445105 * 2.5.squareRoot() / 5.0.squareRoot()) < 1e-9)
        let single = SeedSummary([4])
        #expect(single.mean == 4 && single.halfWidth == nil)
        let partial = SeedSummary([nil, 2, 4])
        #expect(partial.count == 2 && partial.mean == 3)
        #expect(SeedSummary([nil]).mean == nil)
    }

    @Test func studentQuantileBeyondTheTable() {
        #expect(abs(SeedSummary.studentT975(degreesOfFreedom: 40) - 2.021075390) < 1e-5)
        #expect(abs(SeedSummary.studentT975(degreesOfFreedom: 120) - 1.979930405) < 1e-6)
    }
}
