import DystaCore
import DystaScheduling
import DystaSimulation
import DystaTestSupport
import Foundation
import Testing

@Suite("Comparisons on several threads")
struct ParallelComparisonTests {
    let profile: WorkloadProfile

    init() throws {
        profile = try Fixtures.handProfile([
            (name: "a", latency: [[0.01, 0.02], [0.012, 0.018]], zero: nil),
            (name: "b", latency: [[0.05, 0.04], [0.03, 0.06]], zero: nil),
        ])
    }

    func comparison(threads: Int, schedulers: [String] = ["fcfs", "sjf", "prema", "dysta", "planaria"], seeds: [UInt64] = [1, 2, 3])
        -> Comparison
    {
        var comparison = Comparison(
            profile: profile, schedulers: schedulers, seeds: seeds, source: .poisson(rate: 25, count: 400, sloMultiplier: 3))
        comparison.threads = threads
        return comparison
    }

    /// (seed, scheduler, violation rate, ANTT, per-request finish times) in the order delivered.
    func delivered(_ comparison: Comparison) throws -> [String] {
        var result: [String] = []
        try comparison.run { outcome, stream in
            let finishes = outcome.run.requests.map { "\($0.finish)" }.joined(separator: ";")
            result.append("\(outcome.seed) \(outcome.scheduler) \(stream.count) \(outcome.report.overall.values) \(finishes)")
        }
        return result
    }

    @Test func outcomesComeInSeedMajorOrderWithTheSameValuesForAnyThreadCount() throws {
        let one = try delivered(comparison(threads: 1))
        #expect(one.count == 15)
        #expect(one.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }
            == [1, 2, 3].flatMap { seed in ["fcfs", "sjf", "prema", "dysta", "planaria"].map { "\(seed) \($0)" } })
        for threads in [2, 3, 8] { #expect(try delivered(comparison(threads: threads)) == one, "threads \(threads)") }
    }

    @Test func progressCountsEveryJob() throws {
        let seen = Collected()
        try comparison(threads: 3).run(progress: { done, total in seen.add("\(done)/\(total)") }) { _, _ in }
        #expect(seen.values.sorted() == (1...15).map { "\($0)/15" }.sorted())
    }

    @Test func theFirstErrorInOrderIsThrownAndLaterOutcomesAreNotDelivered() throws {
        struct Stop: Error, Equatable { var scheduler: String; var seed: UInt64 }
        var delivered: [String] = []
        #expect(throws: Stop(scheduler: "prema", seed: 2)) {
            try comparison(threads: 4).run { outcome, _ in
                if outcome.seed >= 2, outcome.scheduler == "prema" { throw Stop(scheduler: outcome.scheduler, seed: outcome.seed) }
                delivered.append("\(outcome.seed) \(outcome.scheduler)")
            }
        }
        #expect(delivered == ["fcfs", "sjf", "prema", "dysta", "planaria"].map { "1 \($0)" } + ["2 fcfs", "2 sjf"])
    }

    @Test func duplicateSeedsAreRefused() throws {
        #expect(throws: DystaError(setting: "seeds", "lists a seed twice")) { try comparison(threads: 2, seeds: [1, 2, 1]).run { _, _ in } }
    }
}

/// Strings collected from several threads.
final class Collected: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [String] = []
    func add(_ item: String) {
        lock.lock()
        items.append(item)
        lock.unlock()
    }
    var values: [String] {
        lock.lock()
        defer { lock.unlock() }
        return items
    }
}
