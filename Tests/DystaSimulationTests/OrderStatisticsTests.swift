import DystaCore
@testable import DystaSimulation
import Testing

/// Percentiles by selection must equal the percentiles of the sorted values, bit for bit.
@Suite("Percentiles by selection")
struct OrderStatisticsTests {
    @Test(arguments: 1...40)
    func selectionEqualsSorting(seed: Int) {
        var generator = Xoshiro256StarStar(seed: UInt64(seed))
        let count = seed <= 10 ? seed : 1 + generator.nextInt(below: 3000)
        // Few distinct values in some cases, so ties are common.
        let distinct = seed % 3 == 0 ? 1 + generator.nextInt(below: 5) : 0
        let values: [Double] = (0..<count).map { _ in
            distinct > 0 ? Double(generator.nextInt(below: distinct)) : generator.nextUnit() * 10
        }
        let sorted = values.sorted()
        for q in [0.0, 0.01, 0.5, 0.95, 0.99, 1.0] {
            var scratch = values
            let selected = OrderStatistics.percentile(&scratch, q)
            #expect(selected == RunMetrics.percentile(sorted: sorted, q), "count \(count) q \(q)")
            #expect(scratch.sorted() == sorted, "selection must only rearrange")
        }
    }
}
