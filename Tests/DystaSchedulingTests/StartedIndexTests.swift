import DystaCore
import DystaScheduling
import DystaTestSupport
import Testing

/// Policies that keep heaps over the scanned requests (``StartedIndex``) must choose exactly
/// as their plain scan, at every step of a long random sequence of decisions on one queue of
/// several hundred started requests: the indexed queue and a plain one receive the same
/// requests and the same updates, and must pick the same request every time.
@Suite("Started-request heaps choose as the scan")
struct StartedIndexTests {
    static let policies: [any SchedulingPolicy] = [
        SJFPolicy(sparse: true), PREMAPolicy(sparse: false), PREMAPolicy(sparse: true),
        DystaPolicy(form: .full, beta: 0.01), DystaPolicy(form: .full, beta: 0.5), DystaPolicy(form: .naive, beta: 2),
        DystaPolicy(form: .oracle, beta: 0.01), DystaPolicy(form: .oracle, beta: 0.5),
        SDRM3Policy(sparse: false, alpha: 1), SDRM3Policy(sparse: false, alpha: 3),
        SDRM3Policy(sparse: true, alpha: 0.5), SDRM3Policy(sparse: true, alpha: 1), SDRM3Policy(sparse: true, alpha: 4),
    ]

    @Test(arguments: 0..<policies.count, 1...3)
    func sameChoiceAtEveryStep(policyIndex: Int, seed: Int) throws {
        let profile = try Fixtures.handProfile([(name: "arch_p", latency: [[0.004, 0.006, 0.002, 0.008]], zero: nil)])
        let tables = profile.tables.variants(patternAware: true)
        let variantEstimate = tables[0].estimatedRemaining[0]
        var generator = Xoshiro256StarStar(seed: UInt64(40 + seed))
        let capacity = 1200
        let requests = (0..<capacity).map { Request(id: $0, arrival: 0, variant: 0, sample: 0, priority: 1, target: 1) }
        let fresh = FreshIndex(
            requests: requests, groupOfPosition: Array(repeating: 0, count: capacity),
            groups: [FreshIndex.Group(variant: 0, priority: 1, target: 1)], tables: tables)
        // The oracle keeps every request scanned (no fresh index), with position tracking.
        let oracle = (Self.policies[policyIndex] as? DystaPolicy)?.form == .oracle
        var indexed = oracle ? ReadyQueue(trackingPositions: capacity) : ReadyQueue(fresh: fresh, tracksStarted: true)
        var plain = ReadyQueue()
        var indexedPolicy = Self.policies[policyIndex]
        var plainPolicy = Self.policies[policyIndex]
        var time = 0.0
        var nextPosition = 0
        var lastArrival = -Double.infinity
        func newRequest() -> ReadyRequest {
            let position = nextPosition
            nextPosition += 1
            // Positions follow (arrival, id), as in the engine's request table (the heaps break
            // ties by position); equal arrivals stay common.
            let arrival = max(lastArrival, time - 0.05 * generator.nextUnit())
            lastArrival = arrival
            let priority = [1.0, 3, 9][generator.nextInt(below: 3)]
            // Most requests carry their variant's isolated estimate (Dysta's per-variant lane);
            // some differ (its fallback lane).
            let isolated = generator.nextInt(below: 4) == 0 ? 0.005 + 0.02 * generator.nextUnit() : variantEstimate
            var request = ReadyRequest(
                id: position, position: position, arrival: arrival,
                deadline: time + 0.2 * generator.nextUnit(), priority: priority, variant: 0, sample: 0, layerCount: 4,
                estimatedIsolated: isolated, estimatedNextLayer: tables[0].estimate[0], realIsolated: isolated,
                admittedAt: time)
            // Coarse estimates make exact ties common.
            request.estimatedRemaining = isolated * Double(1 + generator.nextInt(below: 4)) / 4
            request.realRemaining = request.estimatedRemaining * [1, 0.8, 1.3][generator.nextInt(below: 3)]
            request.gamma = [1, 0.5, 1.5, 2][generator.nextInt(below: 4)]
            request.lastRun = request.arrival
            var indexedCopy = request
            var plainCopy = request
            indexedPolicy.admit(&indexedCopy, context: DecisionContext(time: time, semantics: .default))
            plainPolicy.admit(&plainCopy, context: DecisionContext(time: time, semantics: .default))
            if let indexedPREMA = indexedPolicy as? PREMAPolicy, let plainPREMA = plainPolicy as? PREMAPolicy {
                #expect(indexedPREMA.tokens[indexedCopy] == plainPREMA.tokens[plainCopy])
            }
            return indexedCopy
        }
        for _ in 0..<600 {
            let request = newRequest()
            indexed.append(request)
            plain.append(request)
        }
        for step in 0..<1500 {
            let context = DecisionContext(time: time, semantics: .default)
            let chosenIndexed = indexedPolicy.select(from: &indexed, context: context)
            let chosenPlain = plainPolicy.select(from: &plain, context: context)
            try #require(
                indexed[chosenIndexed].id == plain[chosenPlain].id,
                "\(indexedPolicy.name) seed \(seed): step \(step) chose \(indexed[chosenIndexed].id), the scan \(plain[chosenPlain].id)")
            // The chosen request runs one layer, then returns or finishes; sometimes a new one arrives.
            var running = indexed.removeSwapping(at: chosenIndexed)
            plain.removeSwapping(at: chosenPlain)
            // Some layers take no time, so that several decisions fall on one instant.
            let layer = generator.nextInt(below: 5) == 0 ? 0 : 0.001 + 0.004 * generator.nextUnit()
            time += layer
            running.lastRun = time
            running.nextLayer += 1
            if running.nextLayer < 4 { running.estimatedNextLayer = tables[0].estimate[running.nextLayer] }
            running.estimatedRemaining *= [0.5, 0.75, 1][generator.nextInt(below: 3)]
            running.realRemaining *= [0.5, 0.75, 1][generator.nextInt(below: 3)]
            running.gamma = [1, 0.5, 1.5, 3][generator.nextInt(below: 4)]
            if running.nextLayer < 4 {
                indexed.append(running)
                plain.append(running)
            }
            if generator.nextInt(below: 3) == 0 && nextPosition < capacity {
                let request = newRequest()
                indexed.append(request)
                plain.append(request)
            }
        }
        withExtendedLifetime(profile) {}
    }
}
